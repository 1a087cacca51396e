import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { openDb } from '../../src/store/db.js';
import { registerHealth } from '../../src/cli/ops-health.js';
import { registerBackup } from '../../src/cli/ops-backup.js';
import { registerRestore } from '../../src/cli/ops-restore.js';

let dir: string;
let out: string[];
let err: string[];

function program(): Command {
  const p = new Command('gospochta').exitOverride();
  for (const r of [registerHealth, registerBackup, registerRestore]) r(p);
  return p;
}

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  out = [];
  err = [];
  process.exitCode = 0;
  await program().parseAsync(args, { from: 'user' });
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stdout: out.join(''), stderr: err.join('') };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gp-opscli-'));
  vi.stubEnv('GOSPOCHTA_DATA_DIR', join(dir, 'data'));
  vi.stubEnv('GOSPOCHTA_SMTP_PORT', '0');
  vi.stubEnv('GOSPOCHTA_IMAP_PORT', '0');
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (err.push(String(c)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe('ops CLI commands', () => {
  it('backup then restore, in text and JSON', async () => {
    openDb(join(dir, 'data')).close();
    const b = await run('backup', join(dir, 'b.sqlite'));
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/^backup written to .*b\.sqlite: .* integrity_check ok, schema \d+, 0 accounts, 0 mailboxes, 0 messages\n$/);
    const again = await run('backup', join(dir, 'b.sqlite'), '--json');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: 'BACKUP_EXISTS' });
    const again2 = await run('backup', join(dir, 'b.sqlite'));
    expect(again2.stderr).toMatch(/^gospochta: .* exists; choose another name or pass --force to replace it\n$/);
    const r = await run('restore', join(dir, 'b.sqlite'), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ integrity: 'ok', database: join(dir, 'data', 'gospochta.sqlite') });
    const r2 = await run('restore', join(dir, 'b.sqlite'), '--no-keep-previous');
    expect(r2.code).toBe(0);
    expect(r2.stdout).not.toMatch(/kept as/);
  });

  it('health exits non-zero with details when nothing runs', async () => {
    const h = await run('health', '--json');
    expect(h.code).toBe(1);
    const j = JSON.parse(h.stdout);
    expect(j.ok).toBe(false);
    expect(Object.keys(j.checks)).toEqual(['database', 'smtp', 'imap']);
    const t = await run('health');
    expect(t.code).toBe(1);
    expect(t.stdout).toMatch(/UNHEALTHY\n$/);
  });
});
