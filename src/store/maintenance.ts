/**
 * Upkeep of the database file itself: its size, WAL checkpoints, and handing
 * free pages back to the file system (incremental vacuum).
 */
import type { Db } from './db.js';

/** The database's size in bytes (pages × page size; the WAL not included). */
export function databaseBytes(db: Db): number {
  return (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
}

/**
 * Copy the WAL into the database file. PASSIVE never waits for readers or writers;
 * TRUNCATE (at shutdown, before a restore) also empties the WAL file.
 */
export function checkpoint(db: Db, mode: 'PASSIVE' | 'TRUNCATE'): void {
  db.pragma(`wal_checkpoint(${mode})`);
}

/** Pages on the free list. */
export function freePages(db: Db): number {
  return db.pragma('freelist_count', { simple: true }) as number;
}

/** Return up to `pages` free pages to the file system (no-op unless auto_vacuum is incremental). */
export function vacuumFreePages(db: Db, pages: number): void {
  db.pragma(`incremental_vacuum(${Math.max(0, Math.floor(pages))})`);
}
