/**
 * Messages in folders: UIDs (RFC 3501 §2.3.1.1), flags (§2.3.2, §6.4.6 STORE),
 * expunge (§6.4.3), copy (§6.4.7), move (RFC 6851), and the mod-sequences of
 * CONDSTORE/QRESYNC (RFC 7162 §3.1, §3.2.5 VANISHED).
 *
 * Rules kept here:
 * - UIDs come from folders.uidnext and are never reused within a uidvalidity.
 * - Every change bumps folders.highestmodseq once per operation; each message
 *   changed by it gets that modseq. A message whose flags do not change keeps its
 *   modseq. Expunged uids are kept in `expunged` with the modseq of their removal.
 * - Expunge only drops blob references; the blob is freed later (blobs.collectGarbage).
 * - `stored_at` is when this server stored the message (the retention clock);
 *   `internal_date` may come from APPEND.
 *
 * Every mutating function runs in a transaction (a savepoint inside the caller's)
 * and returns what changed with `events`; publish them (changes.publish) after the
 * outermost commit.
 */
export { MAX_UID } from './message-rows.js';
export type { NewMessage, ViewEntry, MessageRow, AppendResult, StoreResult, ExpungeResult, CopyResult, MoveResult, FolderCounts } from './message-rows.js';
export * from './message-reads.js';
export * from './message-writes.js';
