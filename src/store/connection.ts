/**
 * Which SQLite connection a handle stands for. A swappable handle
 * (store/swappable.ts) answers `REAL_CONNECTION` with the connection it reads
 * through now; any other handle is its own connection. Caches of prepared
 * statements and transaction wrappers are keyed by `connectionOf(db)`, so no
 * statement of a replaced connection is ever run. (A module of its own: the
 * statement caches import it, and it imports nothing.)
 */
import type Database from 'better-sqlite3';

export const REAL_CONNECTION = Symbol('gospochta.realConnection');

export function connectionOf(db: Database.Database): Database.Database {
  return (db as Database.Database & { [REAL_CONNECTION]?: Database.Database })[REAL_CONNECTION] ?? db;
}
