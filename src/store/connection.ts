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

/**
 * `make(db)` once per real connection, kept for the next call on that connection:
 * the prepared-statement sets of the store modules and what they read of the
 * schema (a rotated-in connection gets its own, a closed one's go with it).
 */
export function perConnection<T>(make: (db: Database.Database) => T): (handle: Database.Database) => T {
  const made = new WeakMap<Database.Database, T>();
  return (handle) => {
    const db = connectionOf(handle);
    let v = made.get(db);
    if (v === undefined) made.set(db, (v = make(db)));
    return v;
  };
}
