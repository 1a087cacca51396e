/**
 * `gospochta backup FILE`: a consistent copy of the live database made with
 * VACUUM INTO (store/file.ts) while the server runs and writes (WAL readers never
 * block the writer), then verified. The copy is one self-contained file
 * (journal_mode DELETE, no -wal beside it), mode 0600: it holds personal data.
 *
 * The copy is written to FILE.tmp-PID and renamed into place only after it passed
 * `integrity_check`, so a cron job never leaves a half-written FILE behind.
 * The copy is encrypted with the database's key: restoring it needs that key.
 */
import { existsSync, renameSync, realpathSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { dbPath } from '../store/db.js';
import { keyForDatabase, type KeyOptions } from '../store/key.js';
import { copyDatabaseFile, fileSchemaVersion, inspectDatabaseFile, type DbFileReport } from '../store/file.js';
import { GpError } from '../shared/errors.js';
import { fsyncPath, removeIfExists } from '../shared/fs.js';

export interface BackupOptions {
  /** Replace FILE if it exists. */
  force?: boolean;
  /** Where the database key is (keyOptions(cfg)). */
  key?: KeyOptions;
}

export interface BackupReport extends DbFileReport {
  source: string;
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
  const key = keyForDatabase(source, dataDir, opts.key);
  await copyDatabaseFile({ source, dest: tmp, key });
  let report: DbFileReport;
  try {
    report = inspectDatabaseFile(tmp, { key });
    if (report.integrity !== 'ok') {
      throw new GpError('BACKUP_VERIFY_FAILED', `the copy failed integrity_check: ${report.integrity}`, { kind: 'internal' });
    }
    const liveVersion = fileSchemaVersion(source, key);
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
