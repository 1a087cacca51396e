/**
 * `send_events`: what each mailbox sent, one row per accepted submission with its
 * number of recipients (the daily limit counts them over a rolling window).
 */
import { cached, type Db } from './db.js';

export interface SendEvent {
  at: number;
  recipients: number;
}

export interface SendWindow {
  mailboxId: number;
  /** Only sends strictly after this time (ms) count. */
  since: number;
}

/** Recipients counted for a mailbox since `since`. */
export function recipientsSince(db: Db, w: SendWindow): number {
  const r = cached(db, 'SELECT coalesce(sum(recipients), 0) AS n FROM send_events WHERE mailbox_id = ? AND at > ?').get(w.mailboxId, w.since) as { n: number };
  return r.n;
}

/** The sends of a mailbox since `since`, oldest first. */
export function sendsSince(db: Db, w: SendWindow): SendEvent[] {
  return cached(db, 'SELECT at, recipients FROM send_events WHERE mailbox_id = ? AND at > ? ORDER BY at').all(w.mailboxId, w.since) as SendEvent[];
}

/** When the oldest send since `since` happened, or null. */
export function firstSendSince(db: Db, w: SendWindow): number | null {
  return (cached(db, 'SELECT min(at) AS at FROM send_events WHERE mailbox_id = ? AND at > ?').get(w.mailboxId, w.since) as { at: number | null }).at;
}

export function insertSend(db: Db, e: SendEvent & { mailboxId: number }): void {
  cached(db, 'INSERT INTO send_events (mailbox_id, at, recipients) VALUES (?, ?, ?)').run(e.mailboxId, e.at, e.recipients);
}
