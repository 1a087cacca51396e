/**
 * The database, its WAL, the key file and the TLS key are 0600 in 0700 directories
 * when the server makes them, and a start with looser modes warns about each.
 */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { startServer } from '../../src/main.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function startOnce(dataDir: string): Promise<string[]> {
  const lines: string[] = [];
  const log = pino({ level: 'warn' }, { write: (l: string) => void lines.push(l) });
  const cfg = loadConfig({ env: {}, cwd: dir, overrides: { dataDir, domains: ['example.org'], bind: '127.0.0.1', smtp: { port: 0 }, submission: { port: 0 }, mx: { port: 0 }, imap: { port: 0 }, pop3: { port: 0 }, sieve: { port: 0 }, outbound: { enabled: false } } });
  const s = await startServer(cfg, { log, pidFile: false, scheduler: false });
  await s.close('test');
  return lines.map((l) => (JSON.parse(l) as { msg: string }).msg).filter((m) => m.includes('holds secrets'));
}

describe('file modes of secrets and personal data', () => {
  it('are 0600 in 0700 when made; a looser mode is warned about at start', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gp-modes-'));
    const data = join(dir, 'data');
    expect(await startOnce(data)).toEqual([]);
    for (const f of ['gospochta.sqlite', 'gospochta.key', join('tls', 'key.pem')]) expect(statSync(join(data, f)).mode & 0o777, f).toBe(0o600);
    expect(statSync(data).mode & 0o777).toBe(0o700);

    chmodSync(join(data, 'gospochta.key'), 0o644);
    chmodSync(join(data, 'tls', 'key.pem'), 0o640);
    chmodSync(join(data, 'tls'), 0o755);
    const warned = await startOnce(data);
    expect(warned.some((m) => m.includes('gospochta.key has mode 0644'))).toBe(true);
    expect(warned.some((m) => m.includes('key.pem has mode 0640'))).toBe(true);
    expect(warned.some((m) => m.endsWith('chmod 0700') && m.includes(join(data, 'tls')))).toBe(true);
  });
});
