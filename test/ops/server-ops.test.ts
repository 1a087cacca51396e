/**
 * Operations against the real server started in-process (src/main.ts startServer):
 * health passes over real TLS and greets, announcing the generated self-signed
 * certificate; a backup taken while it runs verifies; restore refuses while it
 * runs and works once it has stopped.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, type Config } from '../../src/config/load.js';
import { silentLogger } from '../../src/shared/logger.js';
import { checkHealth } from '../../src/ops/health.js';
import { backupDatabase } from '../../src/ops/backup.js';
import { restoreDatabase } from '../../src/ops/restore.js';
import { detectRunningServer } from '../../src/ops/server-running.js';

const repo = resolve(import.meta.dirname, '../..');
const haveMain = existsSync(join(repo, 'src/main.ts'));

interface Running {
  smtpPort: number;
  imapPort: number;
  close(reason?: string): Promise<void>;
}

let dir: string;
let cfg: Config;
let server: Running | null = null;

beforeAll(async () => {
  if (!haveMain) return;
  dir = mkdtempSync(join(tmpdir(), 'gp-serverops-'));
  cfg = loadConfig({
    env: {},
    cwd: dir,
    overrides: { dataDir: join(dir, 'data'), domains: ['example.org'], hostname: 'mail.test', bind: '127.0.0.1', smtp: { port: 0 }, imap: { port: 0 }, submission: { port: 0 }, mx: { port: 0 }, pop3: { port: 0 }, sieve: { port: 0 } },
  });
  const main = (await import('../../src/main.js')) as unknown as {
    startServer(cfg: Config, opts: { log: typeof silentLogger }): Promise<Running>;
  };
  server = await main.startServer(cfg, { log: silentLogger });
});

afterAll(async () => {
  await server?.close('test over');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!haveMain)('operating a running server', () => {
  it('health passes and announces the self-signed certificate', async () => {
    const r = await checkHealth(cfg, { smtpPort: server!.smtpPort, imapPort: server!.imapPort });
    expect(r.checks.database.ok).toBe(true);
    expect(r.checks.smtp).toMatchObject({ ok: true });
    expect(r.checks.smtp.greeting).toMatch(/^220 /);
    expect(r.checks.imap.greeting).toMatch(/^\* OK/);
    expect(r.checks.smtp.certificate?.selfSigned).toBe(true);
    expect(r.warnings.join('\n')).toMatch(/SELF-SIGNED/);
    expect(r.ok).toBe(true);
  });

  it('backup works while it runs; restore refuses until it stops, then works', async () => {
    const file = join(dir, 'running.sqlite');
    const b = await backupDatabase(cfg.dataDir, file);
    expect(b.integrity).toBe('ok');
    const live = { ...cfg, smtp: { ...cfg.smtp, port: server!.smtpPort }, imap: { ...cfg.imap, port: server!.imapPort } };
    const signs = await detectRunningServer(live);
    expect(signs.map((s) => s.kind)).toContain('port');
    await expect(restoreDatabase(live, file)).rejects.toMatchObject({ code: 'SERVER_RUNNING' });
    await server!.close('restore test');
    server = null;
    expect(existsSync(join(cfg.dataDir, 'server.pid'))).toBe(false);
    const r = await restoreDatabase(live, file);
    expect(r.integrity).toBe('ok');
  });
});
