/**
 * The outbound queue (`outbound_queue`): one row per remote recipient, the message
 * a blob holding one reference per row not yet finished (sent or bounced rows let
 * theirs go). A row being tried is 'sending'; rows left 'sending' by a process
 * that died are taken back by `reclaimStale`, so a message is never lost — at
 * worst tried again.
 */
import { cached, type Db } from './db.js';
import { releaseBlobRefs } from './blobs.js';

export type QueueStatus = 'queued' | 'sending' | 'sent' | 'bounced';

export interface QueueRow {
  id: number;
  queue_id: string;
  mailbox_id: number | null;
  sender: string;
  recipient: string;
  domain: string;
  blob_id: number;
  created_at: number;
  next_attempt_at: number;
  attempts: number;
  status: QueueStatus;
  last_attempt_at: number | null;
  last_error: string | null;
  remote: string | null;
  /** When the sender was told the message is delayed (RFC 3464), or null. */
  delay_notice_at: number | null;
  /** How the last attempt's session was protected (the TLS policy and what it found), or null. */
  tls: string | null;
}

export function enqueueOutbound(db: Db, o: { queueId: string; mailboxId: number | null; sender: string; recipients: string[]; blobId: number; at: number }): void {
  const st = cached(db, `INSERT INTO outbound_queue (queue_id, mailbox_id, sender, recipient, domain, blob_id, created_at, next_attempt_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued')`);
  for (const r of o.recipients) st.run(o.queueId, o.mailboxId, o.sender, r, r.slice(r.lastIndexOf('@') + 1), o.blobId, o.at, o.at);
}

/** Take up to `limit` due rows and mark them 'sending' (one transaction: no two runners take one row). */
export function claimDue(db: Db, o: { now: number; limit: number }): QueueRow[] {
  return db.transaction(() => {
    const rows = cached(db, `SELECT * FROM outbound_queue WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`).all(o.now, o.limit) as QueueRow[];
    const mark = cached(db, `UPDATE outbound_queue SET status = 'sending', last_attempt_at = ? WHERE id = ?`);
    for (const r of rows) mark.run(o.now, r.id);
    return rows;
  }).immediate();
}

/** Rows left 'sending' since before `before` (their process died) go back to the queue. */
export function reclaimStale(db: Db, o: { before: number }): number {
  return cached(db, `UPDATE outbound_queue SET status = 'queued' WHERE status = 'sending' AND last_attempt_at < ?`).run(o.before).changes;
}

export function markSent(db: Db, o: { id: number; at: number; remote: string; tls: string | null }): void {
  db.transaction(() => {
    const r = cached(db, `UPDATE outbound_queue SET status = 'sent', attempts = attempts + 1, last_attempt_at = ?, remote = ?, tls = ?, last_error = NULL WHERE id = ? AND status = 'sending' RETURNING blob_id`).get(o.at, o.remote, o.tls, o.id) as { blob_id: number } | undefined;
    if (r) releaseBlobRefs(db, r.blob_id, 1);
  })();
}

export function markDeferred(db: Db, o: { id: number; at: number; next: number; error: string; remote: string | null; tls: string | null }): void {
  cached(db, `UPDATE outbound_queue SET status = 'queued', attempts = attempts + 1, last_attempt_at = ?, next_attempt_at = ?, last_error = ?, remote = ?, tls = ? WHERE id = ?`).run(o.at, o.next, o.error, o.remote, o.tls, o.id);
}

/** Record that the delay report of a row went out; false when one already had (so it goes out once). */
export function markDelayNoticed(db: Db, o: { id: number; at: number }): boolean {
  return cached(db, `UPDATE outbound_queue SET delay_notice_at = ? WHERE id = ? AND delay_notice_at IS NULL`).run(o.at, o.id).changes === 1;
}

export function markBounced(db: Db, o: { id: number; at: number; error: string; remote: string | null; tls?: string | null }): void {
  db.transaction(() => {
    const r = cached(db, `UPDATE outbound_queue SET status = 'bounced', attempts = attempts + 1, last_attempt_at = ?, last_error = ?, remote = ?, tls = ? WHERE id = ? AND status IN ('sending', 'queued') RETURNING blob_id`).get(o.at, o.error, o.remote, o.tls ?? null, o.id) as { blob_id: number } | undefined;
    if (r) releaseBlobRefs(db, r.blob_id, 1);
  })();
}

export function listQueue(db: Db, o: { status?: QueueStatus[]; limit: number }): QueueRow[] {
  const statuses = o.status ?? ['queued', 'sending'];
  return cached(db, `SELECT * FROM outbound_queue WHERE status IN (SELECT value FROM json_each(?)) ORDER BY created_at, id LIMIT ?`).all(JSON.stringify(statuses), o.limit) as QueueRow[];
}

export function queueRowsOf(db: Db, queueId: string): QueueRow[] {
  return cached(db, `SELECT * FROM outbound_queue WHERE queue_id = ? ORDER BY id`).all(queueId) as QueueRow[];
}

/** Unfinished rows of one queue id tried again now; returns how many. */
export function retryNow(db: Db, o: { queueId: string; now: number }): number {
  return cached(db, `UPDATE outbound_queue SET next_attempt_at = ? WHERE queue_id = ? AND status = 'queued'`).run(o.now, o.queueId).changes;
}

/** Unfinished rows of one queue id removed (their blob references released); returns how many. */
export function deleteQueued(db: Db, queueId: string): number {
  return db.transaction(() => {
    const rows = cached(db, `DELETE FROM outbound_queue WHERE queue_id = ? AND status IN ('queued', 'sending') RETURNING blob_id`).all(queueId) as Array<{ blob_id: number }>;
    for (const r of rows) releaseBlobRefs(db, r.blob_id, 1);
    return rows.length;
  })();
}

export function queueSummary(db: Db, now: number): { length: number; oldestAgeSeconds: number | null } {
  const r = cached(db, `SELECT count(*) AS n, min(created_at) AS oldest FROM outbound_queue WHERE status IN ('queued', 'sending')`).get() as { n: number; oldest: number | null };
  return { length: r.n, oldestAgeSeconds: r.oldest === null ? null : Math.round((now - r.oldest) / 1000) };
}

export interface DkimKeyRow {
  domain: string;
  selector: string;
  algorithm: string;
  private_key: string;
  public_key: string;
  created_at: number;
}

export function putDkimKey(db: Db, k: DkimKeyRow): void {
  cached(db, `INSERT INTO dkim_keys (domain, selector, algorithm, private_key, public_key, created_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (domain) DO UPDATE SET selector = excluded.selector, algorithm = excluded.algorithm, private_key = excluded.private_key, public_key = excluded.public_key, created_at = excluded.created_at`).run(k.domain, k.selector, k.algorithm, k.private_key, k.public_key, k.created_at);
}

export function getDkimKey(db: Db, domain: string): DkimKeyRow | undefined {
  return cached(db, 'SELECT * FROM dkim_keys WHERE domain = ?').get(domain) as DkimKeyRow | undefined;
}
