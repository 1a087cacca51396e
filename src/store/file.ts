/**
 * Database files other than the open store: looking at one without changing it
 * (integrity, schema version, what it holds — for backup, restore and health),
 * copying one with SQLite's online backup API, and checkpointing one.
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import { SCHEMA_VERSION } from './migrations.js';
import { GpError } from '../shared/errors.js';
import { removeIfExists } from '../shared/fs.js';
import { queueSummary } from './outbound.js';

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
}

/**
 * Open `file` read-only and report on it. Throws GpError when the file is missing,
 * is not an SQLite database, or is not a gospochta database. A failed integrity
 * check is reported (integrity !== 'ok'), not thrown: callers decide.
 */
export function inspectDatabaseFile(file: string, opts: InspectOptions = {}): DbFileReport {
  if (!existsSync(file)) throw new GpError('DB_FILE_MISSING', `${file}: no such file`, { kind: 'not_found' });
  const bytes = statSync(file).size;
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new GpError('DB_FILE_UNREADABLE', `${file}: cannot open: ${(e as Error).message}`, { cause: e });
  }
  try {
    db.pragma('busy_timeout = 10000');
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
 * Copy the database in `source` to `dest` with the online backup API, into a fresh
 * 0600 file, switched to a self-contained rollback journal (no -wal beside it).
 * The whole copy is one backup step: one read snapshot, so it is consistent even
 * while another process commits (a step-wise copy would restart on every write).
 */
export async function copyDatabaseFile(o: { source: string; dest: string; readonlySource?: boolean }): Promise<void> {
  const { source, dest } = o;
  removeIfExists(dest);
  closeSync(openSync(dest, 'wx', 0o600)); // created 0600 before any byte lands in it
  const src = new Database(source, { fileMustExist: true, readonly: o.readonlySource ?? false });
  try {
    src.pragma('busy_timeout = 10000');
    await src.backup(dest, { progress: () => 0x7fffffff });
  } catch (e) {
    removeIfExists(dest);
    throw new GpError('BACKUP_FAILED', `backup of ${source} failed: ${(e as Error).message}`, { kind: 'internal', cause: e });
  } finally {
    src.close();
  }
  withFile(dest, { readonly: false }, (copy) => copy.pragma('journal_mode = DELETE'));
  for (const suffix of ['-wal', '-shm', '-journal']) removeIfExists(dest + suffix);
  chmodSync(dest, 0o600);
}

/** The schema version (user_version) of the database in `file`, opened read-only. */
export function fileSchemaVersion(file: string): number {
  return withFile(file, { readonly: true }, (db) => db.pragma('user_version', { simple: true }) as number);
}

/** Checkpoint and truncate the WAL of the database in `file` (which must exist). */
export function checkpointFile(file: string): void {
  withFile(file, { readonly: false }, (db) => db.pragma('wal_checkpoint(TRUNCATE)'));
}

/** Open the existing database `file`, run `fn` on it, close it. */
function withFile<T>(file: string, o: { readonly: boolean }, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: o.readonly, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
