/**
 * `gospochta restore FILE`: replace the database with a backup, only while no
 * server uses the data directory. The file is checked first (a gospochta database,
 * integrity_check ok, schema not newer than this code), copied into the data
 * directory with VACUUM INTO (so even a file with a -wal beside it is
 * taken whole), and swapped in by rename. The database it replaces is kept beside
 * it as gospochta.sqlite.before-restore-TIME unless told otherwise.
 *
 * Order, so that a crash at any point leaves a usable database in place:
 *   copy to .restore-PID.tmp → checkpoint the old database → hard-link it aside →
 *   remove its -wal/-shm (they must never meet the new file) → rename tmp over it.
 *
 * A backup is encrypted with the key the database had when it was made; the
 * data directory's key opens it, or `--key-file` names the older key (a backup
 * made before `gospochta key rotate`) and the copy is re-keyed to the current key.
 */
import { existsSync, renameSync, chmodSync, linkSync, copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { dbPath, ensureDataDir, DB_FILE } from '../store/db.js';
import { SCHEMA_VERSION } from '../store/migrations.js';
import { GpError } from '../shared/errors.js';
import { checkpointFile, copyDatabaseFile, inspectDatabaseFile, type DbFileReport } from '../store/file.js';
import { fsyncPath, removeIfExists } from '../shared/fs.js';
import { findKey, keyFilePath, keyOptions, readKeyFile, type DbKey } from '../store/key.js';
import { detectRunningServer } from './server-running.js';

export interface RestoreOptions {
  /** Keep the replaced database as gospochta.sqlite.before-restore-TIME (default true). */
  keepPrevious?: boolean;
  /** The key file the backup was encrypted with, when it is not the data directory's key. */
  backupKeyFile?: string;
}

export interface RestoreReport extends DbFileReport {
  /** Where the replaced database was kept, or null (none, or not kept). */
  previous: string | null;
  database: string;
}

async function refuseIfRunning(cfg: Pick<Config, 'dataDir' | 'bind' | 'smtp' | 'imap'>): Promise<void> {
  const signs = await detectRunningServer(cfg);
  if (signs.length) {
    throw new GpError(
      'SERVER_RUNNING',
      `refusing to restore while the server is running (${signs.map((s) => s.detail).join('; ')}): stop it first`,
      { kind: 'conflict', details: { signs } },
    );
  }
}

export async function restoreDatabase(
  cfg: Pick<Config, 'dataDir' | 'bind' | 'smtp' | 'imap' | 'keyFile'>,
  file: string,
  opts: RestoreOptions = {},
): Promise<RestoreReport> {
  await refuseIfRunning(cfg);
  const src = resolve(file);
  const key = findKey(cfg.dataDir, keyOptions(cfg));
  if (!key) {
    throw new GpError('KEY_MISSING', `restore needs the database key: put the key file at ${keyFilePath(cfg.dataDir, keyOptions(cfg))} or set GOSPOCHTA_KEY`, { kind: 'not_found' });
  }
  const backupKey: DbKey = opts.backupKeyFile ? readKeyFile(resolve(opts.backupKeyFile)) : key;
  const checked = inspectDatabaseFile(src, { key: backupKey });
  if (checked.integrity !== 'ok') throw new GpError('DB_FILE_CORRUPT', `${src} failed integrity_check: ${checked.integrity}`);
  if (checked.schemaVersion > SCHEMA_VERSION) {
    throw new GpError(
      'DB_TOO_NEW',
      `${src} has schema version ${checked.schemaVersion}, newer than this gospochta understands (${SCHEMA_VERSION}); upgrade gospochta first`,
    );
  }
  ensureDataDir(cfg.dataDir);
  const live = dbPath(cfg.dataDir);
  const tmp = join(cfg.dataDir, `.restore-${process.pid}.tmp`);
  await copyDatabaseFile({ source: src, dest: tmp, readonlySource: true, key: backupKey, ...(backupKey.hex !== key.hex ? { destKey: key } : {}) });
  let previous: string | null = null;
  try {
    const copied = inspectDatabaseFile(tmp, { check: 'quick', key });
    if (copied.integrity !== 'ok') throw new GpError('DB_FILE_CORRUPT', `the copy of ${src} failed quick_check: ${copied.integrity}`);
    await refuseIfRunning(cfg); // the copy may have taken a while
    if (existsSync(live)) {
      try {
        checkpointFile(live, key);
      } catch {
        // A damaged database (the reason for a restore) may not open; its WAL is dropped below.
      }
      if (opts.keepPrevious ?? true) {
        previous = join(cfg.dataDir, `${DB_FILE}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`);
        try {
          linkSync(live, previous);
        } catch {
          copyFileSync(live, previous);
        }
        chmodSync(previous, 0o600);
      }
    }
    for (const suffix of ['-wal', '-shm', '-journal']) removeIfExists(live + suffix);
    chmodSync(tmp, 0o600);
    fsyncPath(tmp);
    renameSync(tmp, live);
    fsyncPath(cfg.dataDir);
  } catch (e) {
    removeIfExists(tmp);
    throw e;
  }
  return { ...checked, file: src, database: live, previous };
}
