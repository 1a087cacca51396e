/**
 * The database key: where it comes from, how a connection is opened with it.
 *
 * The whole database file — pages, WAL frames, every index (search included) and
 * the blobs — is encrypted by SQLite3 Multiple Ciphers (the `better-sqlite3`
 * dependency is its API-compatible build, `better-sqlite3-multiple-ciphers`) with
 * AEGIS-256 per page (SQLite3MC's `aegis` scheme): an authenticated cipher built on
 * the AES round function, 256-bit key, a fresh nonce and a tag on every page, so a
 * page that was changed without the key does not decrypt. It runs on the CPU's AES
 * instructions: reading a page back costs about what reading a plaintext page does
 * (measured: a cold scan of 50 MB in 30 ms against 24 ms plaintext and 199 ms for
 * the SQLCipher v4 format, AES-256-CBC with an HMAC-SHA512 per page). That matters
 * because every commit by another process empties a connection's page cache, so
 * the workers of a cluster read (and decrypt) pages all the time.
 * Databases written before in the SQLCipher v4 format still open (`openKeyed`
 * tries both) and become AEGIS-256 at the next re-key (`gospochta key rotate`).
 * The key is 32 random bytes given as a raw key (`x'…'`), so opening a connection
 * costs no key derivation (the CLI, every worker and every test open connections).
 *
 * Where the key comes from, first match wins:
 *  1. `GOSPOCHTA_KEY` in the environment: 64 hex digits (containers, secret stores);
 *  2. the key file: `keyFile` / `GOSPOCHTA_KEY_FILE`, default `<dataDir>/gospochta.key`,
 *     64 hex digits and a newline, mode 0600. It is generated when no database exists yet.
 * A key is never logged, never put in an error message, never put in the config.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fsyncPath, removeIfExists } from '../shared/fs.js';
import { GpError } from '../shared/errors.js';
import type { Config } from '../config/schema.js';
import { connectionOf } from './connection.js';

export const KEY_FILE = 'gospochta.key';
const DB_FILE_NAME = 'gospochta.sqlite';
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export interface KeyOptions {
  /** The key file; default `<dataDir>/gospochta.key`. */
  keyFile?: string;
  /** The environment to read GOSPOCHTA_KEY from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** A resolved key: the 64 hex digits and where they came from (for messages, never the key). */
export interface DbKey {
  hex: string;
  source: string;
}

/** The key options of a configuration (`keyFile`, GOSPOCHTA_KEY_FILE). */
export function keyOptions(cfg: Pick<Config, 'keyFile'>): KeyOptions {
  return cfg.keyFile ? { keyFile: cfg.keyFile } : {};
}

export function defaultKeyFile(dataDir: string): string {
  return join(dataDir, KEY_FILE);
}

export function keyFilePath(dataDir: string, o: KeyOptions = {}): string {
  return resolve(o.keyFile || defaultKeyFile(dataDir));
}

/** What the first bytes of a database file say it is. */
export function fileState(file: string): 'absent' | 'plaintext' | 'encrypted' {
  if (!existsSync(file) || statSync(file).size === 0) return 'absent';
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    readSync(fd, head, 0, 16, 0);
    return head.equals(SQLITE_HEADER) ? 'plaintext' : 'encrypted';
  } finally {
    closeSync(fd);
  }
}

function parseKey(text: string, source: string): DbKey {
  const hex = text.trim();
  if (!HEX_KEY.test(hex)) {
    throw new GpError('KEY_INVALID', `${source}: not a key (64 hex digits expected; make one with: openssl rand -hex 32)`);
  }
  return { hex: hex.toLowerCase(), source };
}

/** Read the key from a key file (no fallback). */
export function readKeyFile(path: string): DbKey {
  if (!existsSync(path)) throw new GpError('KEY_MISSING', `key file ${path} does not exist`, { kind: 'not_found' });
  return parseKey(readFileSync(path, 'utf8'), `key file ${path}`);
}

/** The key from GOSPOCHTA_KEY or the key file, or null when neither is there. */
export function findKey(dataDir: string, o: KeyOptions = {}): DbKey | null {
  const env = o.env ?? process.env;
  if (env.GOSPOCHTA_KEY) return parseKey(env.GOSPOCHTA_KEY, 'GOSPOCHTA_KEY');
  const path = keyFilePath(dataDir, o);
  return existsSync(path) ? readKeyFile(path) : null;
}

/** Write a key file durably: created 0600 (in a 0700 directory when it makes one), never overwritten. */
export function writeKeyFile(path: string, hex: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, `${hex}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(path, 0o600);
}

export function newKeyHex(): string {
  return randomBytes(32).toString('hex');
}

/**
 * The key for the database `file` in `dataDir`: found, or generated into the key
 * file when there is no database yet. Refuses (one line, nothing written) when the
 * database exists and no key is there, or when the database is not encrypted.
 */
export function keyForDatabase(file: string, dataDir: string, o: KeyOptions = {}): DbKey {
  const state = fileState(file);
  if (state === 'plaintext') {
    throw new GpError(
      'DB_NOT_ENCRYPTED',
      `${file} is not encrypted (made by an older gospochta): stop the server and run \`gospochta encrypt\``,
    );
  }
  const found = findKey(dataDir, o);
  if (found) return found;
  const path = keyFilePath(dataDir, o);
  if (state === 'encrypted') {
    throw new GpError('KEY_MISSING', `${file} is encrypted and there is no key: set GOSPOCHTA_KEY or GOSPOCHTA_KEY_FILE (looked for ${path})`);
  }
  const hex = newKeyHex();
  writeKeyFile(path, hex);
  return { hex, source: `key file ${path}` };
}

/** The page format of an encrypted database: AEGIS-256 (written now), or SQLCipher v4 (written before). */
export type PageFormat = 'aegis-256' | 'sqlcipher-4';

/** The format of each connection opened by openKeyed. */
const formats = new WeakMap<Database.Database, PageFormat>();

/** The page format of a connection opened by openKeyed, or of the one behind a server's handle (AEGIS-256 for any other). */
export function pageFormat(db: Database.Database): PageFormat {
  return formats.get(connectionOf(db)) ?? 'aegis-256';
}

function cipherPragmas(format: PageFormat): string[] {
  return format === 'aegis-256' ? [`cipher = 'aegis'`, `algorithm = 'aegis-256'`] : [`cipher = 'sqlcipher'`, 'legacy = 4'];
}

function applyCipher(db: Database.Database, format: PageFormat): void {
  for (const p of cipherPragmas(format)) db.pragma(p);
}

/** The pragmas that key a fresh connection (for a connection opened in another thread: they hold the key). */
export function keyPragmas(key: DbKey, format: PageFormat = 'aegis-256'): string[] {
  return [...cipherPragmas(format), `key = "x'${key.hex}'"`];
}

/** Set the cipher and the key on a fresh connection, before it reads a page. */
export function applyKey(db: Database.Database, key: DbKey, format: PageFormat = 'aegis-256'): void {
  for (const p of keyPragmas(key, format)) db.pragma(p);
}

/**
 * Set a new key on an open connection to a database in rollback-journal mode (SQLite3MC
 * cannot re-key in WAL mode); the pages are rewritten as AEGIS-256 whatever they were.
 */
export function applyRekey(db: Database.Database, key: DbKey): void {
  applyCipher(db, 'aegis-256');
  db.pragma(`rekey = "x'${key.hex}'"`);
}

export interface KeyedOpen {
  key: DbKey;
  readonly?: boolean;
  fileMustExist?: boolean;
}

/**
 * Open `file` with `key` and prove the key by reading the schema: a wrong key
 * refuses with one line before anything is written.
 */
export function openKeyed(file: string, o: KeyedOpen): Database.Database {
  const first = openAs(file, o, 'aegis-256');
  if (first instanceof Database) return first;
  // Not AEGIS-256 with this key: a database written in the SQLCipher v4 format, or a wrong key.
  const legacy = openAs(file, o, 'sqlcipher-4');
  if (legacy instanceof Database) return legacy;
  throw new GpError('KEY_WRONG', `${file}: the key (${o.key.source}) does not open this database`, { cause: first });
}

/** The connection, or the SQLITE_NOTADB error when `format` with the key does not read the file. */
function openAs(file: string, o: KeyedOpen, format: PageFormat): Database.Database | Error {
  const db = new Database(file, { readonly: o.readonly ?? false, fileMustExist: o.fileMustExist ?? false });
  try {
    applyKey(db, o.key, format);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_NOTADB') return e as Error;
    throw e;
  }
  formats.set(db, format);
  return db;
}

/** KEYFILE.new becomes KEYFILE; the old key stays as KEYFILE.old until the new name is durable. */
export function promoteNewKey(keyFile: string): void {
  if (existsSync(keyFile)) renameSync(keyFile, `${keyFile}.old`);
  renameSync(`${keyFile}.new`, keyFile);
  fsyncPath(dirname(keyFile));
  removeIfExists(`${keyFile}.old`);
}

/**
 * A rotation cut short after the swap: the key file's key does not open the
 * database, KEYFILE.new does. Promote KEYFILE.new and return its key; null otherwise.
 */
export function finishRotation(o: { dataDir: string; key?: KeyOptions }): DbKey | null {
  if ((o.key?.env ?? process.env).GOSPOCHTA_KEY) return null;
  const keyFile = keyFilePath(o.dataDir, o.key);
  if (!existsSync(`${keyFile}.new`)) return null;
  const next = readKeyFile(`${keyFile}.new`);
  const file = join(o.dataDir, DB_FILE_NAME);
  try {
    openKeyed(file, { key: next, readonly: true, fileMustExist: true }).close();
  } catch {
    return null;
  }
  promoteNewKey(keyFile);
  return { hex: next.hex, source: `key file ${keyFile}` };
}

/** Open an existing database file with the key of its data directory (default: the directory it is in) — tools, tests. */
export function openDatabaseFile(file: string, o: { readonly?: boolean; dataDir?: string; key?: KeyOptions } = {}): Database.Database {
  const dataDir = o.dataDir ?? dirname(resolve(file));
  const key = findKey(dataDir, o.key);
  if (!key) throw new GpError('KEY_MISSING', `${file}: no key (GOSPOCHTA_KEY, or ${keyFilePath(dataDir, o.key)})`, { kind: 'not_found' });
  return openKeyed(file, { key, readonly: o.readonly ?? false, fileMustExist: true });
}
