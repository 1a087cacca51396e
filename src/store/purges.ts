/**
 * The retention purge's store side: what is due (per mailbox), one batch of the
 * purge with its per-mailbox accounting, and the `purge_runs` journal.
 */
import { cached, type Db } from './db.js';
import { tx } from './tx.js';
import { messagesStoredBefore, purgeStoredBefore, type PurgeResult } from './messages.js';

export interface MailboxPurge {
  address: string;
  messages: number;
  bytes: number;
}

export interface PurgeBatch extends PurgeResult {
  /** What the batch took from each mailbox (unordered). */
  perMailbox: MailboxPurge[];
}

/** Messages stored before `cutoff` (ms), counted per mailbox, by address. */
export function duePerMailbox(db: Db, q: { cutoff: number }): MailboxPurge[] {
  return cached(
    db,
    `SELECT x.address, count(*) AS messages, coalesce(sum(m.size), 0) AS bytes
       FROM messages m JOIN folders f ON f.id = m.folder_id JOIN mailboxes x ON x.id = f.mailbox_id
      WHERE m.stored_at < ? GROUP BY x.address ORDER BY x.address`,
  ).all(q.cutoff) as MailboxPurge[];
}

/**
 * One batch of the purge in one IMMEDIATE transaction: purgeStoredBefore (up to
 * `limit` messages stored before `cutoff`, oldest first), with what it takes from
 * each mailbox read just before, in the same transaction, from the same work list.
 */
export function purgeBatch(db: Db, q: { cutoff: number; limit: number }): PurgeBatch {
  return tx(db, purgeBatchTx)(db, q.cutoff, q.limit);
}

function purgeBatchTx(db: Db, cutoff: number, limit: number): PurgeBatch {
  const owner = cached(
    db,
    `SELECT x.address, m.size FROM messages m JOIN folders f ON f.id = m.folder_id JOIN mailboxes x ON x.id = f.mailbox_id
      WHERE m.folder_id = ? AND m.uid = ?`,
  );
  const per = new Map<string, MailboxPurge>();
  for (const d of messagesStoredBefore(db, cutoff, limit)) {
    const o = owner.get(d.folderId, d.uid) as { address: string; size: number } | undefined;
    if (!o) continue;
    const p = per.get(o.address) ?? { address: o.address, messages: 0, bytes: 0 };
    p.messages++;
    p.bytes += o.size;
    per.set(o.address, p);
  }
  return { ...purgeStoredBefore(db, cutoff, limit), perMailbox: [...per.values()] };
}

export interface PurgeRun {
  startedAt: number;
  endedAt: number;
  messages: number;
  bytes: number;
  blobs: number;
}

export function recordPurgeRun(db: Db, r: PurgeRun): void {
  cached(db, 'INSERT INTO purge_runs (started_at, ended_at, messages, bytes, blobs) VALUES (?, ?, ?, ?, ?)').run(r.startedAt, r.endedAt, r.messages, r.bytes, r.blobs);
}

/** The latest purge run (endedAt null if it never finished), or undefined when none ran. */
export function lastPurgeRun(db: Db): (Omit<PurgeRun, 'endedAt'> & { endedAt: number | null }) | undefined {
  return cached(db, 'SELECT started_at AS startedAt, ended_at AS endedAt, messages, bytes, blobs FROM purge_runs ORDER BY id DESC LIMIT 1').get() as
    | (Omit<PurgeRun, 'endedAt'> & { endedAt: number | null })
    | undefined;
}
