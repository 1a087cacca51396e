/**
 * `gospochta backup FILE`: a consistent copy of the live database made with
 * SQLite's online backup API while the server runs and writes (WAL readers never
 * block the writer), then verified. The copy is one self-contained file
 * (journal_mode DELETE, no -wal beside it), mode 0600: it holds personal data.
 *
 * The copy is written to FILE.tmp-PID and renamed into place only after it passed
 * `integrity_check`, so a cron job never leaves a half-written FILE behind.
 */
import Database from 'better-sqlite3';
import { existsSync, openSync, closeSync, fsyncSync, renameSync, unlinkSync, chmodSync, realpathSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { dbPath } from '../store/db.js';
import { GpError } from '../shared/errors.js';
import { inspectDatabaseFile, type DbFileReport } from './db-file.js';

export interface BackupOptions {
  /** Replace FILE if it exists. */
  force?: boolean;
}

export interface BackupReport extends DbFileReport {
  source: string;
}

function fsyncPath(p: string): void {
  const fd = openSync(p, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function removeIfExists(p: string): void {
  try {
    unlinkSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/**
 * Copy the database of `source` (a database file) to `dest` with the online backup
 * API, into a fresh 0600 file, switched to a self-contained rollback journal.
 * The whole copy is one backup step: one read snapshot, so it is consistent even
 * while another process commits (a step-wise copy would restart on every write).
 */
export async function copyDatabase(source: string, dest: string, opts: { readonlySource?: boolean } = {}): Promise<void> {
  removeIfExists(dest);
  closeSync(openSync(dest, 'wx', 0o600)); // created 0600 before any byte lands in it
  const src = new Database(source, { fileMustExist: true, readonly: opts.readonlySource ?? false });
  try {
    src.pragma('busy_timeout = 10000');
    await src.backup(dest, { progress: () => 0x7fffffff });
  } catch (e) {
    removeIfExists(dest);
    throw new GpError('BACKUP_FAILED', `backup of ${source} failed: ${(e as Error).message}`, { kind: 'internal', cause: e });
  } finally {
    src.close();
  }
  const copy = new Database(dest, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  for (const suffix of ['-wal', '-shm', '-journal']) removeIfExists(dest + suffix);
  chmodSync(dest, 0o600);
}

export async function backupDatabase(dataDir: string, file: string, opts: BackupOptions = {}): Promise<BackupReport> {
  const source = dbPath(dataDir);
  if (!existsSync(source)) {
    throw new GpError('DB_MISSING', `no database at ${source}: nothing to back up (check GOSPOCHTA_DATA_DIR)`, { kind: 'not_found' });
  }
  const dest = resolve(file);
  if (!existsSync(dirname(dest))) throw new GpError('BACKUP_DIR_MISSING', `${dirname(dest)}: no such directory`, { kind: 'not_found' });
  if (existsSync(dest)) {
    if (realpathSync(dest) === realpathSync(source)) throw new GpError('BACKUP_IS_SOURCE', `${dest} is the live database itself`);
    if (!opts.force) throw new GpError('BACKUP_EXISTS', `${dest} exists; choose another name or pass --force to replace it`, { kind: 'conflict' });
  }
  const tmp = `${dest}.tmp-${process.pid}`;
  await copyDatabase(source, tmp);
  let report: DbFileReport;
  try {
    report = inspectDatabaseFile(tmp);
    if (report.integrity !== 'ok') {
      throw new GpError('BACKUP_VERIFY_FAILED', `the copy failed integrity_check: ${report.integrity}`, { kind: 'internal' });
    }
    const live = new Database(source, { readonly: true, fileMustExist: true });
    let liveVersion: number;
    try {
      liveVersion = live.pragma('user_version', { simple: true }) as number;
    } finally {
      live.close();
    }
    if (report.schemaVersion !== liveVersion) {
      throw new GpError(
        'BACKUP_VERIFY_FAILED',
        `the copy has schema version ${report.schemaVersion}, the live database ${liveVersion} (did the server migrate during the backup? run it again)`,
        { kind: 'internal' },
      );
    }
    fsyncPath(tmp);
    renameSync(tmp, dest);
    fsyncPath(dirname(dest));
  } catch (e) {
    removeIfExists(tmp);
    throw e;
  }
  return { ...report, file: dest, source };
}
