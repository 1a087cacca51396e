/**
 * Opening the SQLite store: WAL, synchronous=FULL, foreign keys, migrations.
 * The data directory is created mode 0700, the database file 0600. The file is
 * encrypted with the key of store/key.ts; a wrong or missing key refuses here.
 */
import type Database from 'better-sqlite3';
import { mkdirSync, chmodSync, existsSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { migrations, SCHEMA_VERSION } from './migrations.js';
import { GpError } from '../shared/errors.js';
import { connectionOf } from './connection.js';
import { waitForRotation } from './swappable.js';
import { finishRotation, keyForDatabase, openKeyed, type DbKey, type KeyOptions } from './key.js';

export type Db = Database.Database;

export const DB_FILE = 'gospochta.sqlite';
/** How long a statement waits inside SQLite for another process's write lock. */
export const BUSY_TIMEOUT_MS = 10_000;

export function dbPath(dataDir: string): string {
  return join(dataDir, DB_FILE);
}

export function ensureDataDir(dataDir: string): void {
  if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
}

export interface OpenOptions {
  /** Apply pending migrations (server, CLI). false → refuse an out-of-date file. */
  migrate?: boolean;
  readonly?: boolean;
  /** Where the key is (default: GOSPOCHTA_KEY, else `<dataDir>/gospochta.key`). */
  key?: KeyOptions;
  /** Wait while the running server rotates the key (default true; the server's own processes say false). */
  waitForRotation?: boolean;
}

export function applyPragmas(db: Db): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('cache_size = -32000');
  db.pragma('temp_store = MEMORY');
}

/** Longest an outside connection waits for a key rotation of the server to end. */
const ROTATION_WAIT_MS = 10 * 60_000;

export function openDb(dataDir: string, opts: OpenOptions = {}): Db {
  ensureDataDir(dataDir);
  if (opts.waitForRotation !== false) waitForRotation(dataDir, ROTATION_WAIT_MS);
  const file = dbPath(dataDir);
  const key = keyForDatabase(file, dataDir, opts.key);
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  const db = openWithKey({ file, dataDir, key, opts });
  chmodSync(file, 0o600);
  try {
    if (!opts.readonly) {
      // auto_vacuum must be chosen before the first table is created (incremental: the purge reclaims space).
      const fresh = (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n === 0;
      if (fresh) db.pragma('auto_vacuum = INCREMENTAL');
    }
    applyPragmas(db);
    migrate(db, opts.migrate ?? true);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/** Open with `key`; a rotation cut short (database re-keyed, key file not yet renamed) is finished here. */
function openWithKey(o: { file: string; dataDir: string; key: DbKey; opts: OpenOptions }): Db {
  const readonly = o.opts.readonly ?? false;
  try {
    return openKeyed(o.file, { key: o.key, readonly });
  } catch (e) {
    const next = (e as GpError).code === 'KEY_WRONG' ? finishRotation({ dataDir: o.dataDir, key: o.opts.key }) : null;
    if (!next) throw e;
    return openKeyed(o.file, { key: next, readonly });
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, apply = true): void {
  const current = schemaVersion(db);
  if (current > SCHEMA_VERSION) {
    throw new GpError(
      'DB_TOO_NEW',
      `database schema version ${current} is newer than this gospochta understands (${SCHEMA_VERSION}); upgrade gospochta`,
    );
  }
  const pending = migrations.filter((m) => m.version > current);
  if (!pending.length) return;
  if (!apply) throw new GpError('DB_OUTDATED', `database schema version ${current} needs migrations up to ${SCHEMA_VERSION}`);
  for (const m of pending) {
    db.transaction(() => {
      db.exec(m.sql);
      m.backfill?.(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

/** Bump the control counter: tells a running server to re-check access and folders. */
export function bumpControl(db: Db): void {
  cached(db, 'UPDATE control SET counter = counter + 1 WHERE id = 1').run();
}

export function controlCounter(db: Db): number {
  return (cached(db, 'SELECT counter FROM control WHERE id = 1').get() as { counter: number }).counter;
}

const statementCache = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * A prepared statement compiled once per database connection (better-sqlite3 has no
 * statement cache of its own; compiling costs more than running a point lookup).
 */
export function cached(handle: Db, sql: string): Database.Statement {
  const db = connectionOf(handle);
  let m = statementCache.get(db);
  if (!m) statementCache.set(db, (m = new Map()));
  let st = m.get(sql);
  if (!st) m.set(sql, (st = db.prepare(sql)));
  return st;
}

/** The first row `sql` selects with `params` (a `cached` statement), or undefined when none. */
export function firstRow<T>(db: Db, sql: string, ...params: unknown[]): T | undefined {
  return cached(db, sql).get(...params) as T | undefined;
}

/** Runs an INSERT with `params` (a `cached` statement); the new row's id. */
export function insertRow(db: Db, sql: string, ...params: unknown[]): number {
  return Number(cached(db, sql).run(...params).lastInsertRowid);
}

/**
 * `SELECT * FROM table` with the conditions whose value is given (each one SQL
 * condition with one `?`, joined by AND), in `order`, at most `limit` rows.
 */
export function listRows<T>(db: Db, table: string, conditions: Array<[sql: string, value: unknown]>, order: string, limit: number): T[] {
  const given = conditions.filter(([, v]) => v !== undefined);
  const where = given.length ? 'WHERE ' + given.map(([sql]) => sql).join(' AND ') : '';
  return db.prepare(`SELECT * FROM ${table} ${where} ORDER BY ${order} LIMIT ?`).all(...given.map(([, v]) => v), limit) as T[];
}
