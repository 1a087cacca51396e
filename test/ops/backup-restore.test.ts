import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync, statSync, existsSync, writeFileSync, readdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createServer, type Server } from 'node:net';
import Database from 'better-sqlite3';
import { applyKey, findKey, openDatabaseFile } from '../../src/store/key.js';
import { openDb, dbPath } from '../../src/store/db.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { backupDatabase } from '../../src/ops/backup.js';
import { restoreDatabase } from '../../src/ops/restore.js';
import { inspectDatabaseFile } from '../../src/store/file.js';
import { pidFilePath } from '../../src/ops/server-running.js';
import { GpError } from '../../src/shared/errors.js';

const repo = resolve(import.meta.dirname, '../..');

/**
 * A writer in another process: commits one audit row at a time (each with a 2 KiB
 * payload) and prints the id of every row after its commit returned.
 */
const WRITER = `
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/package.json');
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.pragma("cipher = 'aegis'"); db.pragma("algorithm = 'aegis-256'"); db.pragma(\`key = "x'\${process.argv[2]}'"\`);
db.pragma('journal_mode = WAL'); db.pragma('synchronous = FULL'); db.pragma('busy_timeout = 10000');
const ins = db.prepare("INSERT INTO audit_events (at, actor, subject, action, details) VALUES (?, 'system', 'server', 'test.write', ?)");
const pad = 'x'.repeat(2048);
let stop = false;
process.stdin.on('data', () => { stop = true; });
process.stdin.on('end', () => { stop = true; });
function loop() {
  for (let i = 0; i < 20 && !stop; i++) {
    const id = ins.run(Date.now(), JSON.stringify({ pad })).lastInsertRowid;
    process.stdout.write(id + '\\n');
  }
  if (stop) { db.close(); process.exit(0); }
  setImmediate(loop);
}
loop();
`;

let dir: string;
let dataDir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gp-backup-'));
  dataDir = join(dir, 'data');
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function cfgFor(d: string) {
  // Ports 0: nothing to probe, only the pid file tells whether a server runs.
  return { dataDir: d, keyFile: '', bind: '127.0.0.1', smtp: { port: 0 }, imap: { port: 0 } } as Parameters<typeof restoreDatabase>[0];
}

function seed(d: string, rows: number): void {
  const db = openDb(d);
  const ins = db.prepare("INSERT INTO audit_events (at, actor, subject, action, details) VALUES (?, 'system', 'server', 'seed', ?)");
  const pad = JSON.stringify({ pad: 'y'.repeat(4096) });
  db.transaction(() => {
    for (let i = 0; i < rows; i++) ins.run(Date.now(), pad);
  })();
  db.close();
}

function auditIds(file: string): Set<number> {
  const db = openDatabaseFile(file, { readonly: true, dataDir });
  try {
    return new Set((db.prepare('SELECT id FROM audit_events').all() as { id: number }[]).map((r) => r.id));
  } finally {
    db.close();
  }
}

describe('gospochta backup', () => {
  it('copies a database another process is writing to: integrity ok, every row committed before it began', async () => {
    seed(dataDir, 5000); // ~25 MB, so the copy overlaps many commits
    const writer = spawn(process.execPath, ['--input-type=module', '-e', WRITER, dbPath(dataDir), findKey(dataDir)!.hex], {
      cwd: repo,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(writer);
    let lastCommitted = 0;
    let seenAfterBackup = 0;
    let backupStarted = false;
    const lines = createInterface({ input: writer.stdout! });
    const enough = new Promise<void>((res) => {
      lines.on('line', (l) => {
        const id = Number(l);
        if (!backupStarted) lastCommitted = id;
        else seenAfterBackup++;
        if (!backupStarted && id > 5200) res();
      });
    });
    await enough;
    backupStarted = true;
    const committedBefore = lastCommitted;
    const out = join(dir, 'backup.sqlite');
    const report = await backupDatabase(dataDir, out);
    // Let the writer prove it kept writing during and after the backup, then stop it.
    while (seenAfterBackup < 50) await new Promise((r) => setTimeout(r, 10));
    writer.stdin!.end();
    await new Promise((r) => writer.once('exit', r));

    expect(report.integrity).toBe('ok');
    expect(report.schemaVersion).toBe(SCHEMA_VERSION);
    expect(report.file).toBe(out);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(existsSync(out + '-wal')).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const ids = auditIds(out);
    for (let id = 1; id <= committedBefore; id++) if (!ids.has(id)) throw new Error(`row ${id} committed before the backup is missing`);
    expect(inspectDatabaseFile(out, { key: findKey(dataDir)! }).integrity).toBe('ok');
    // The live database went on past the copy.
    expect(auditIds(dbPath(dataDir)).size).toBeGreaterThan(committedBefore);
  });

  it('refuses to overwrite without force, and a missing database', async () => {
    seed(dataDir, 1);
    const out = join(dir, 'b.sqlite');
    writeFileSync(out, 'keep me');
    await expect(backupDatabase(dataDir, out)).rejects.toMatchObject({ code: 'BACKUP_EXISTS' });
    const r = await backupDatabase(dataDir, out, { force: true });
    expect(r.integrity).toBe('ok');
    await expect(backupDatabase(join(dir, 'nowhere'), join(dir, 'c.sqlite'))).rejects.toMatchObject({ code: 'DB_MISSING' });
    await expect(backupDatabase(dataDir, join(dir, 'no/such/dir/x.sqlite'))).rejects.toMatchObject({ code: 'BACKUP_DIR_MISSING' });
  });
});

describe('gospochta restore', () => {
  it('refuses while the pid file names a live process', async () => {
    seed(dataDir, 3);
    const out = join(dir, 'b.sqlite');
    await backupDatabase(dataDir, out);
    const server = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(server);
    await new Promise((r) => server.once('spawn', r));
    writeFileSync(pidFilePath(dataDir), `${server.pid}\n`);
    const err = await restoreDatabase(cfgFor(dataDir), out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GpError);
    expect((err as GpError).code).toBe('SERVER_RUNNING');
    expect((err as GpError).message).toMatch(/stop it first/);
    // The live database was not touched.
    expect(auditIds(dbPath(dataDir)).size).toBe(3);
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    // Same pid file, process gone: a stale file does not block.
    const ok = await restoreDatabase(cfgFor(dataDir), out);
    expect(ok.integrity).toBe('ok');
  });

  it('refuses while something answers on the configured port', async () => {
    seed(dataDir, 1);
    const out = join(dir, 'b.sqlite');
    await backupDatabase(dataDir, out);
    const srv: Server = createServer((s) => s.end());
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    try {
      const cfg = { ...cfgFor(dataDir), imap: { port } } as Parameters<typeof restoreDatabase>[0];
      await expect(restoreDatabase(cfg, out)).rejects.toMatchObject({ code: 'SERVER_RUNNING' });
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });

  it('replaces the database, keeps the old one aside, and the result opens', async () => {
    seed(dataDir, 10);
    const out = join(dir, 'b.sqlite');
    await backupDatabase(dataDir, out);
    // Changes after the backup, some still only in the WAL.
    const db = openDb(dataDir);
    db.prepare("INSERT INTO audit_events (at, actor, subject, action) VALUES (1, 'system', 'server', 'after')").run();
    const r = await restoreDatabase(cfgFor(dataDir), out);
    db.close();
    expect(r.database).toBe(dbPath(dataDir));
    expect(r.previous).not.toBeNull();
    expect(auditIds(r.previous!).size).toBe(11);
    expect(statSync(dbPath(dataDir)).mode & 0o777).toBe(0o600);
    expect(existsSync(dbPath(dataDir) + '-wal')).toBe(false);
    const again = openDb(dataDir);
    try {
      expect((again.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n).toBe(10);
      expect(again.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      again.close();
    }
    expect(readdirSync(dataDir).filter((f) => f.startsWith('.restore-'))).toEqual([]);
  });

  it('refuses a file that is not a gospochta database, a damaged one, or one newer than the code', async () => {
    seed(dataDir, 1);
    const junk = join(dir, 'junk.sqlite');
    writeFileSync(junk, 'not a database at all, just text'.repeat(100));
    await expect(restoreDatabase(cfgFor(dataDir), junk)).rejects.toMatchObject({ code: expect.stringMatching(/^DB_FILE_/) });
    const other = join(dir, 'other.sqlite');
    const o = new Database(other);
    applyKey(o, findKey(dataDir)!);
    o.exec('CREATE TABLE t (x)');
    o.close();
    await expect(restoreDatabase(cfgFor(dataDir), other)).rejects.toMatchObject({ code: 'DB_FILE_NOT_GOSPOCHTA' });
    const newer = join(dir, 'newer.sqlite');
    await backupDatabase(dataDir, newer);
    const n = openDatabaseFile(newer, { dataDir });
    n.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    n.close();
    await expect(restoreDatabase(cfgFor(dataDir), newer)).rejects.toMatchObject({ code: 'DB_TOO_NEW' });
    await expect(restoreDatabase(cfgFor(dataDir), join(dir, 'absent.sqlite'))).rejects.toMatchObject({ code: 'DB_FILE_MISSING' });
    // Damage the pages of a full table (not page 1, so the file still opens).
    seed(dataDir, 200);
    const damaged = join(dir, 'damaged.sqlite');
    await backupDatabase(dataDir, damaged);
    const fd = openSync(damaged, 'r+');
    const pageSize = 4096;
    for (let p = 8; p < 40; p += 3) writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, p * pageSize + 8);
    closeSync(fd);
    const seen = (() => {
      try {
        return inspectDatabaseFile(damaged, { key: findKey(dataDir)! }).integrity;
      } catch (e) {
        return (e as GpError).code;
      }
    })();
    expect(seen).not.toBe('ok');
    await expect(restoreDatabase(cfgFor(dataDir), damaged)).rejects.toMatchObject({ code: 'DB_FILE_CORRUPT' });
  });
});
