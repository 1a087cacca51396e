/**
 * What the outbound queue tells a sender about one recipient (RFC 3464 reports
 * into the sender's INBOX; a sender without a mailbox here gets none):
 *   bounce       the row is finished as bounced, and an Action: failed report;
 *   delayNotice  with `outbound.delayNoticeSeconds`, once per row (the store marks
 *                it first, so two runners never both send it), an Action: delayed
 *                report saying until when delivery goes on.
 */
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import type { Logger } from '../shared/logger.js';
import type { Writer } from '../store/deliver.js';
import { readBlob } from '../store/blobs.js';
import { getFolder } from '../store/folders.js';
import { markBounced, markDelayNoticed, type QueueRow } from '../store/outbound.js';
import { parseMessage } from '../mime/parse.js';
import { metrics, METRIC } from '../shared/metrics.js';
import { deliveryReport, statusOf, type ReportAction } from './dsn.js';

/** The outcome of one delivery attempt. */
export interface Attempt {
  ok: boolean;
  permanent: boolean;
  text: string;
  remote: string | null;
  /** How the attempt's session was protected, or why it stopped (tls-policy.ts), when it got that far. */
  tls: string | null;
  /** The TLS policy the attempt was held to (dane, tls-required, mta-sts, opportunistic). */
  policy?: string;
}

export interface Reporter {
  bounce(row: QueueRow, a: Attempt, now: number): Promise<void>;
  delayNotice(row: QueueRow, a: Attempt, now: number): Promise<void>;
}

export function createReporter(o: { db: Db; cfg: Config; log: Logger; writer: Writer }): Reporter {
  const { db, cfg, log } = o;
  const c = cfg.outbound;
  /** A delivery report into the sender's INBOX (a sender without a mailbox here gets none). */
  const report = async (row: QueueRow, a: Attempt, action: ReportAction, original: Buffer) => {
    const inbox = row.mailbox_id === null ? undefined : getFolder(db, row.mailbox_id, 'INBOX');
    if (!inbox) return;
    const raw = deliveryReport({
      hostname: cfg.hostname,
      postmaster: `postmaster@${cfg.domains[0]}`,
      to: row.sender,
      original,
      arrival: row.created_at,
      action,
      ...(action === 'delayed' ? { willRetryUntil: row.created_at + c.giveUpSeconds * 1000 } : {}),
      recipients: [{ recipient: row.recipient, status: statusOf(a.text, action === 'failed'), diagnostic: a.text, remote: a.remote }],
    });
    await o.writer.deliver({ raw, parsed: parseMessage(raw), targets: [{ folderId: inbox.id }], quotaExempt: true });
  };

  const bounce = async (row: QueueRow, a: Attempt, now: number) => {
    const original = readBlob(db, row.blob_id);
    markBounced(db, { id: row.id, at: now, error: a.text.slice(0, 1000), remote: a.remote, tls: a.tls });
    metrics.inc(METRIC.messagesRefused, { path: 'outbound', reason: 'bounced' });
    log.warn({ queueId: row.queue_id, to: row.recipient, error: a.text }, 'outbound: bounced, returning a delivery report to the sender');
    await report(row, a, 'failed', original);
  };

  /** RFC 3464 "delayed": once per recipient, when the message has waited delayNoticeSeconds. */
  const delayNotice = async (row: QueueRow, a: Attempt, now: number) => {
    if (!c.delayNoticeSeconds || row.delay_notice_at !== null || now - row.created_at < c.delayNoticeSeconds * 1000) return;
    if (!markDelayNoticed(db, { id: row.id, at: now })) return;
    log.info({ queueId: row.queue_id, to: row.recipient }, 'outbound: still undelivered, telling the sender');
    await report(row, a, 'delayed', readBlob(db, row.blob_id));
  };

  return { bounce, delayNotice };
}
