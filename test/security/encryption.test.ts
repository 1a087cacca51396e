/**
 * Encryption at rest: the database file, its WAL and a backup hold none of the
 * test data's text as bytes; a wrong or missing key refuses with one line and
 * writes nothing; `gospochta key rotate` and `gospochta encrypt` keep every row
 * and every blob (SHA-256 before and after).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bin, ensureBuilt } from '../cli/helpers.js';
import { spawnSync } from 'node:child_process';
import { backupDatabase } from '../../src/ops/backup.js';
import { dbPath } from '../../src/store/db.js';
import { applyKey, fileState, findKey, openDatabaseFile, pageFormat, readKeyFile } from '../../src/store/key.js';
import { warnAtStart } from '../../src/start-checks.js';
import pino from 'pino';
import { fingerprint } from '../../src/store/rekey.js';

const SUBJECT = 'Квартальный отчёт Zebra-7731';
const BODY_WORD = 'photosynthesis-4419';
const NEEDLES = [SUBJECT, 'Zebra-7731', BODY_WORD, 'alice@example.org', 'bob@example.org', '112-233-445 95', '11223344595', '4510 123456', '4510123456', 'Иванов'];

function hits(file: string): string[] {
  if (!existsSync(file)) return [];
  const bytes = readFileSync(file);
  return NEEDLES.filter((n) => bytes.includes(Buffer.from(n, 'utf8')));
}

function cli(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH, GOSPOCHTA_DATA_DIR: dataDir, GOSPOCHTA_DOMAINS: 'example.org', GOSPOCHTA_SMTP_PORT: '1', GOSPOCHTA_IMAP_PORT: '1', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
  });
}

function dirDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) if (statSync(join(dir, f)).isFile()) out[f] = createHash('sha256').update(readFileSync(join(dir, f))).digest('hex');
  return out;
}

let t: TestServer;
let dataDir: string;

beforeAll(async () => {
  ensureBuilt();
  t = await startTestServer();
  dataDir = t.cfg.dataDir;
  const alice = await t.provision('alice');
  await t.provision('bob');
  const body = `Текст письма: ${BODY_WORD}\r\n`.repeat(40);
  const raw = `From: ${alice.address}\r\nTo: bob@example.org\r\nSubject: =?UTF-8?B?${Buffer.from(SUBJECT).toString('base64')}?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}`;
  const tr = t.smtp(alice.address);
  for (let i = 0; i < 3; i++) await tr.sendMail({ envelope: { from: alice.address, to: ['bob@example.org'] }, raw });
  tr.close();
}, 120_000);

afterAll(async () => {
  await t?.close().catch(() => undefined);
});

describe('encryption at rest', () => {
  it('the key file is generated 0600 on first start and the file is encrypted', () => {
    const keyFile = join(dataDir, 'gospochta.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readKeyFile(keyFile).hex).toMatch(/^[0-9a-f]{64}$/);
    expect(fileState(dbPath(dataDir))).toBe('encrypted');
  });

  it('no message text, subject, address, SNILS or passport number in the database, its WAL or a backup', async () => {
    // The data is there, readable with the key (so the search below can find it if it leaks).
    const db = openDatabaseFile(dbPath(dataDir), { readonly: true });
    const docs = db.prepare("SELECT snils, passport_series || ' ' || passport_number AS passport FROM accounts WHERE snils IS NOT NULL").all() as { snils: string; passport: string }[];
    const subjects = db.prepare('SELECT subject FROM blob_search').pluck().all() as string[];
    db.close();
    expect(docs.some((d) => /112.?233.?445.?95/.test(d.snils) && /4510.?123456/.test(d.passport))).toBe(true);
    expect(subjects.some((s) => s.includes('zebra-7731'))).toBe(true);

    expect(existsSync(dbPath(dataDir) + '-wal')).toBe(true);
    expect(hits(dbPath(dataDir))).toEqual([]);
    expect(hits(dbPath(dataDir) + '-wal')).toEqual([]);
    const backup = join(t.dir, 'backup.sqlite');
    await backupDatabase(dataDir, backup);
    expect(fileState(backup)).toBe('encrypted');
    expect(hits(backup)).toEqual([]);
    // The plaintext control: the same bytes decrypted do hold the needles.
    const plain = join(t.dir, 'plain-control.sqlite');
    copyFileSync(backup, plain);
    const p = new Database(plain);
    applyKey(p, findKey(dataDir)!);
    p.pragma("rekey = ''");
    p.close();
    expect(hits(plain).length).toBeGreaterThan(3);
    rmSync(plain);
  });

  it('a wrong or missing key: every command refuses with one line and nothing is written', async () => {
    await t.server.close('checkpoint for the key tests');
    const before = dirDigest(dataDir);
    const wrong = cli(dataDir, ['account', 'list'], { GOSPOCHTA_KEY: 'ab'.repeat(32) });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/does not open this database/);
    expect(wrong.stderr).not.toContain('ab'.repeat(32));
    const serve = cli(dataDir, ['serve'], { GOSPOCHTA_KEY: 'cd'.repeat(32), GOSPOCHTA_WORKERS: '1' });
    expect(serve.status).not.toBe(0);
    expect(serve.stderr.trim().split('\n')).toHaveLength(1);
    expect(serve.stderr).toMatch(/does not open this database/);
    const missing = cli(dataDir, ['account', 'list'], { GOSPOCHTA_KEY_FILE: join(t.dir, 'nowhere.key') });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/encrypted and there is no key/);
    expect(dirDigest(dataDir)).toEqual(before);
  });

  it('key rotate keeps every row and blob, and only the new key opens the database', () => {
    const keyFile = join(dataDir, 'gospochta.key');
    const oldKey = readKeyFile(keyFile);
    const db = openDatabaseFile(dbPath(dataDir), { readonly: true });
    const before = fingerprint(db);
    db.close();
    expect(Object.keys(before.blobs).length).toBeGreaterThan(0);
    const r = cli(dataDir, ['key', 'rotate', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const newKey = readKeyFile(keyFile);
    expect(newKey.hex).not.toBe(oldKey.hex);
    expect(readdirSync(dataDir).filter((f) => /\.(new|old|tmp)$/.test(f))).toEqual([]);
    const after = openDatabaseFile(dbPath(dataDir), { readonly: true });
    expect(fingerprint(after)).toEqual(before);
    after.close();
    const withOld = cli(dataDir, ['account', 'list'], { GOSPOCHTA_KEY: oldKey.hex });
    expect(withOld.status).not.toBe(0);
    expect(hits(dbPath(dataDir))).toEqual([]);
  });

  it('a plaintext database of an older version is refused with the way out, and `gospochta encrypt` converts it keeping everything', () => {
    const file = dbPath(dataDir);
    const db = openDatabaseFile(file);
    const before = fingerprint(db);
    db.pragma('journal_mode = DELETE');
    db.pragma("rekey = ''"); // decrypt: the file an older gospochta wrote
    db.close();
    rmSync(join(dataDir, 'gospochta.key'));
    expect(fileState(file)).toBe('plaintext');
    expect(hits(file).length).toBeGreaterThan(3);

    const refused = cli(dataDir, ['account', 'list']);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('gospochta encrypt');
    expect(existsSync(join(dataDir, 'gospochta.key'))).toBe(false);

    const r = cli(dataDir, ['encrypt']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fileState(file)).toBe('encrypted');
    expect(hits(file)).toEqual([]);
    expect(statSync(join(dataDir, 'gospochta.key')).mode & 0o777).toBe(0o600);
    const after = openDatabaseFile(file, { readonly: true });
    expect(fingerprint(after)).toEqual(before);
    after.close();
    const list = cli(dataDir, ['account', 'list', '--json']);
    expect(list.status).toBe(0);
  });

  it('a database in the older SQLCipher v4 format opens, the server says so at start, and key rotate rewrites it as AEGIS-256 keeping everything', () => {
    const file = dbPath(dataDir);
    const key = findKey(dataDir)!;
    const db = openDatabaseFile(file);
    expect(pageFormat(db)).toBe('aegis-256');
    const before = fingerprint(db);
    db.pragma('journal_mode = DELETE');
    db.pragma("cipher = 'sqlcipher'");
    db.pragma('legacy = 4');
    db.pragma(`rekey = "x'${key.hex}'"`); // the same key, the page format an earlier gospochta wrote
    db.close();
    const old = openDatabaseFile(file, { readonly: true });
    expect(pageFormat(old)).toBe('sqlcipher-4');
    expect(fingerprint(old)).toEqual(before);
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) });
    warnAtStart({ cfg: t.cfg, log, tlsKeyPath: join(dataDir, 'tls', 'key.pem'), db: old });
    old.close();
    expect(lines.join('')).toContain('gospochta key rotate');
    expect(cli(dataDir, ['account', 'list']).status).toBe(0);

    const r = cli(dataDir, ['key', 'rotate', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const after = openDatabaseFile(file, { readonly: true });
    expect(pageFormat(after)).toBe('aegis-256');
    expect(fingerprint(after)).toEqual(before);
    after.close();
    expect(hits(file)).toEqual([]);
  });
});
