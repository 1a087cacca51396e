/**
 * Looking at a gospochta database file without changing it: integrity, schema
 * version, and what it holds. Shared by backup (verifying the copy), restore
 * (checking the file before it replaces the live one) and health.
 */
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { SCHEMA_VERSION } from '../store/migrations.js';
import { GpError } from '../shared/errors.js';

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
    };
  } finally {
    db.close();
  }
}
