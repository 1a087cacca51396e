/**
 * Database files other than the open store: looking at one without changing it
 * (integrity, schema version, what it holds — for backup, restore and health),
 * copying one (encrypted with the same key, or another), and checkpointing one.
 * Every file is opened with a key (store/key.ts): a gospochta database is never
 * plaintext on disk, nor is a copy of one.
 */
import type Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import { SCHEMA_VERSION } from './migrations.js';
import { BUSY_TIMEOUT_MS } from './db.js';
import { GpError } from '../shared/errors.js';
import { removeIfExists } from '../shared/fs.js';
import { queueSummary } from './outbound.js';
import { applyRekey, fileState, openKeyed, type DbKey } from './key.js';

export interface DbFileReport {
  file: string;
  bytes: number;
  /** `ok`, or the first problems `integrity_check` / `quick_check` reported. */
  integrity: string;
  schemaVersion: number;
  /** The schema version this build of gospochta understands. */
  codeSchemaVersion: number;
  accounts: number;
  mailboxes: number;
  messages: number;
  blobs: number;
  /** Mail waiting for delivery to other domains (null before the queue's migration). */
  queue: { length: number; oldestAgeSeconds: number | null } | null;
}

/** Tables every gospochta database has; a file without them is not ours. */
const REQUIRED_TABLES = ['accounts', 'mailboxes', 'folders', 'messages', 'blobs', 'control'];

function count(db: Database.Database, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

export interface InspectOptions {
  /** `quick` runs PRAGMA quick_check (O(N), skips index cross-checks); default the full integrity_check. */
  check?: 'integrity' | 'quick';
  key: DbKey;
}

/**
 * Open `file` read-only and report on it. Throws GpError when the file is missing,
 * is not an SQLite database, or is not a gospochta database. A failed integrity
 * check is reported (integrity !== 'ok'), not thrown: callers decide.
 */
export function inspectDatabaseFile(file: string, opts: InspectOptions): DbFileReport {
  if (!existsSync(file)) throw new GpError('DB_FILE_MISSING', `${file}: no such file`, { kind: 'not_found' });
  const bytes = statSync(file).size;
  if (fileState(file) === 'plaintext') {
    throw new GpError('DB_NOT_ENCRYPTED', `${file} is not encrypted (made by an older gospochta): run \`gospochta encrypt\` on it first`);
  }
  let db: Database.Database;
  try {
    db = openKeyed(file, { key: opts.key, readonly: true, fileMustExist: true });
  } catch (e) {
    if (e instanceof GpError) {
      throw new GpError('DB_FILE_KEY_WRONG', `${file}: cannot be read with the key (a wrong key, or not a gospochta database)`, { cause: e });
    }
    throw new GpError('DB_FILE_UNREADABLE', `${file}: cannot open: ${(e as Error).message}`, { cause: e });
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    let tables: string[];
    try {
      tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CORRUPT') {
        throw new GpError('DB_FILE_CORRUPT', `${file}: damaged: ${(e as Error).message}`, { cause: e });
      }
      throw new GpError('DB_FILE_NOT_SQLITE', `${file}: not an SQLite database (${(e as Error).message})`, { cause: e });
    }
    const missing = REQUIRED_TABLES.filter((t) => !tables.includes(t));
    if (missing.length) {
      throw new GpError('DB_FILE_NOT_GOSPOCHTA', `${file}: not a gospochta database (no table ${missing.join(', ')})`);
    }
    const pragma = opts.check === 'quick' ? 'quick_check' : 'integrity_check';
    let integrity: string;
    try {
      const rows = db.pragma(`${pragma}(20)`) as Record<string, string>[];
      const lines = rows.map((r) => Object.values(r)[0] ?? '');
      integrity = lines.length === 1 && lines[0] === 'ok' ? 'ok' : lines.join('; ');
    } catch (e) {
      integrity = (e as Error).message;
    }
    const safeCount = (t: string): number => {
      try {
        return count(db, t);
      } catch {
        return -1; // unreadable: the integrity result says why
      }
    };
    return {
      file,
      bytes,
      integrity,
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
      codeSchemaVersion: SCHEMA_VERSION,
      accounts: safeCount('accounts'),
      mailboxes: safeCount('mailboxes'),
      messages: safeCount('messages'),
      blobs: safeCount('blobs'),
      queue: tables.includes('outbound_queue') ? queueSummary(db, Date.now()) : null,
    };
  } finally {
    db.close();
  }
}

/**
 * Copy the database in `source` to `dest` with VACUUM INTO, into a fresh 0600 file
 * encrypted with the same key (then re-keyed to `destKey` when given), in rollback
 * journal mode (no -wal beside it). VACUUM INTO reads one snapshot in one read
 * transaction, so the copy is consistent even while another process commits.
 * (SQLite's backup API refuses to copy between an encrypted and another file.)
 */
export async function copyDatabaseFile(o: { source: string; dest: string; key: DbKey; destKey?: DbKey; readonlySource?: boolean }): Promise<void> {
  const { source, dest } = o;
  removeIfExists(dest);
  closeSync(openSync(dest, 'wx', 0o600)); // created 0600 before any byte lands in it (VACUUM INTO takes an empty file)
  const src = openKeyed(source, { key: o.key, fileMustExist: true, readonly: o.readonlySource ?? false });
  try {
    src.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    src.prepare('VACUUM INTO ?').run(dest);
    chmodSync(dest, 0o600);
    if (o.destKey) withFile(dest, { readonly: false, key: o.key }, (copy) => applyRekey(copy, o.destKey!));
  } catch (e) {
    removeIfExists(dest);
    throw new GpError('BACKUP_FAILED', `copy of ${source} failed: ${(e as Error).message}`, { kind: 'internal', cause: e });
  } finally {
    src.close();
  }
  for (const suffix of ['-wal', '-shm', '-journal']) removeIfExists(dest + suffix);
  chmodSync(dest, 0o600);
}

/** The schema version (user_version) of the database in `file`, opened read-only. */
export function fileSchemaVersion(file: string, key: DbKey): number {
  return withFile(file, { readonly: true, key }, (db) => db.pragma('user_version', { simple: true }) as number);
}

/** Checkpoint and truncate the WAL of the database in `file` (which must exist). */
export function checkpointFile(file: string, key: DbKey): void {
  withFile(file, { readonly: false, key }, (db) => db.pragma('wal_checkpoint(TRUNCATE)'));
}

/** Open the existing database `file`, run `fn` on it, close it. */
export function withFile<T>(file: string, o: { readonly: boolean; key: DbKey }, fn: (db: Database.Database) => T): T {
  const db = openKeyed(file, { key: o.key, readonly: o.readonly, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
