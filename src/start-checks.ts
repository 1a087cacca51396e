/**
 * What a server says once at start about how its files are kept: secrets or
 * personal data readable by others (they should be 0600 in 0700 directories), and
 * a database still in the older, slower SQLCipher v4 page format (store/key.ts).
 * Run by the single process and by a cluster's primary, not by its workers.
 */
import type { Logger } from 'pino';
import type { Config } from './config/schema.js';
import { dbPath, type Db } from './store/db.js';
import { checkPrivateModes } from './shared/file-modes.js';
import { keyFilePath, keyOptions, pageFormat } from './store/key.js';

/** The files checked for mode 0600 in 0700 directories at start (shared/file-modes.ts). */
export function privateFiles(cfg: Config, tlsKeyPath: string): string[] {
  const db = dbPath(cfg.dataDir);
  return [db, `${db}-wal`, `${db}-shm`, keyFilePath(cfg.dataDir, keyOptions(cfg)), tlsKeyPath];
}

export function warnAtStart(o: { cfg: Config; log: Logger; tlsKeyPath: string; db: Db }): void {
  for (const w of checkPrivateModes(privateFiles(o.cfg, o.tlsKeyPath))) o.log.warn(w, `${w.path} has mode ${w.mode}; it holds secrets or personal data: chmod ${w.want}`);
  if (pageFormat(o.db) === 'sqlcipher-4') {
    o.log.warn(
      { format: 'sqlcipher-4' },
      'the database is encrypted in the older SQLCipher v4 page format, several times slower to read than AEGIS-256: run `gospochta key rotate` (online) to rewrite it',
    );
  }
}
