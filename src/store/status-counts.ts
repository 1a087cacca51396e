/**
 * Folder figures STATUS reports beyond the counters of messages.ts folderCounts:
 * SIZE (RFC 8438 §3: the sum of the RFC822.SIZE of every message) and DELETED
 * (RFC 9051 §6.3.11: messages with \Deleted).
 */
import type { Db } from './db.js';
import { cached } from './db.js';
import { FLAG_DELETED } from './flags.js';

/** Sum of the message sizes of a folder, in octets. */
export function folderSize(db: Db, folderId: number): number {
  const r = cached(db, 'SELECT coalesce(sum(size), 0) AS n FROM messages WHERE folder_id = ?').get(folderId) as { n: number };
  return r.n;
}

/** Number of messages of a folder that carry \Deleted. */
export function deletedCount(db: Db, folderId: number): number {
  const r = cached(db, 'SELECT count(*) AS n FROM messages WHERE folder_id = ? AND (flags & ?) != 0').get(folderId, FLAG_DELETED) as { n: number };
  return r.n;
}
