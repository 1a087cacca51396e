/**
 * The 180-day retention rule: a message is purged `retention.days` after the server
 * stored it (`messages.stored_at` — not its Date: field, not an APPEND date), in
 * every folder.
 *
 * The purge works in small batches (`retention.batchSize` messages, one short
 * IMMEDIATE transaction each, the event loop free between them) so SMTP and IMAP
 * are never stalled for long. Each batch is selected and deleted inside the same
 * transaction, so two purges at once (the server's and the CLI's) each count only
 * what they removed. Expunges go through the store (expunged rows and modseqs for
 * QRESYNC) and reach open IMAP sessions as EXPUNGE / VANISHED; then unreferenced
 * blobs are freed and the file's pages returned (incremental vacuum). A real run
 * is one audit row and one purge_runs row.
 */
import type { Db } from '../store/db.js';
import { bumpControl } from '../store/db.js';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../shared/logger.js';
import { collectGarbage } from '../store/blobs.js';
import { audit } from '../store/audit.js';
import { checkpoint, databaseBytes, freePages, vacuumFreePages } from '../store/maintenance.js';
import { duePerMailbox, purgeBatch, recordPurgeRun, type MailboxPurge } from '../store/purges.js';
import { metrics, METRIC } from '../shared/metrics.js';
import { DAY_MS } from '../shared/time.js';

export { DAY_MS };
export type { MailboxPurge };

export interface PurgeOptions {
  db: Db;
  cfg: Config;
  bus?: EventBus;
  log?: Logger;
  dryRun?: boolean;
  now?: number;
  /** Audit actor: `system` (schedule) or `operator:NAME` (CLI). */
  actor?: string;
  trigger?: 'schedule' | 'cli';
}

export interface PurgeReport {
  dryRun: boolean;
  cutoff: string;
  messages: number;
  bytes: number;
  blobs: number;
  blobBytes: number;
  perMailbox: MailboxPurge[];
  durationMs: number;
  /** Longest single batch transaction (what a concurrent client may wait for), ms. */
  maxBatchMs: number;
  fileBytesBefore: number;
  fileBytesAfter: number;
}

/**
 * Between batches: long enough for another connection (the server while the CLI
 * purges, a worker while the primary purges) to take the write lock. SQLite's busy
 * handler polls, sleeping up to 100 ms at a time, so the pause is as long as the
 * batch took (at least 3 ms, at most 100 ms): a pause of a few milliseconds after
 * every long batch let a delivery in another process miss the lock again and again.
 */
const tick = (batchMs: number) => new Promise<void>((r) => setTimeout(r, Math.min(100, Math.max(3, batchMs))));

export async function runPurge(o: PurgeOptions): Promise<PurgeReport> {
  const { db, cfg } = o;
  const started = Date.now();
  const now = o.now ?? started;
  const cutoff = now - cfg.retention.days * DAY_MS;
  const report: PurgeReport = {
    dryRun: Boolean(o.dryRun),
    cutoff: new Date(cutoff).toISOString(),
    messages: 0,
    bytes: 0,
    blobs: 0,
    blobBytes: 0,
    perMailbox: [],
    durationMs: 0,
    maxBatchMs: 0,
    fileBytesBefore: databaseBytes(db),
    fileBytesAfter: 0,
  };
  if (o.dryRun) {
    const rows = duePerMailbox(db, { cutoff });
    report.perMailbox = rows;
    for (const r of rows) {
      report.messages += r.messages;
      report.bytes += r.bytes;
    }
    report.fileBytesAfter = report.fileBytesBefore;
    report.durationMs = Date.now() - started;
    return report;
  }

  const per = new Map<string, MailboxPurge>();
  for (;;) {
    const t0 = performance.now();
    const b = purgeBatch(db, { cutoff, limit: cfg.retention.batchSize });
    report.maxBatchMs = Math.max(report.maxBatchMs, performance.now() - t0);
    report.messages += b.messages;
    report.bytes += b.bytes;
    for (const m of b.perMailbox) {
      const p = per.get(m.address) ?? { address: m.address, messages: 0, bytes: 0 };
      p.messages += m.messages;
      p.bytes += m.bytes;
      per.set(m.address, p);
    }
    if (o.bus) for (const ev of b.events) o.bus.publish(ev);
    // Keep the WAL short: otherwise the next commit past the auto-checkpoint threshold
    // (maybe an SMTP delivery) pays for copying everything the purge changed.
    const c0 = performance.now();
    checkpoint(db, 'PASSIVE');
    report.maxBatchMs = Math.max(report.maxBatchMs, performance.now() - c0);
    if (b.messages < cfg.retention.batchSize) break;
    await tick(performance.now() - t0);
  }
  // Second phase: free what nothing references any more, then give the pages back.
  for (;;) {
    const t0 = performance.now();
    const g = collectGarbage(db, cfg.retention.batchSize);
    report.maxBatchMs = Math.max(report.maxBatchMs, performance.now() - t0);
    report.blobs += g.blobs;
    report.blobBytes += g.bytes;
    if (g.blobs < cfg.retention.batchSize) break;
    await tick(performance.now() - t0);
  }
  for (;;) {
    const free = freePages(db);
    if (free === 0) break;
    const t0 = performance.now();
    vacuumFreePages(db, 2000);
    report.maxBatchMs = Math.max(report.maxBatchMs, performance.now() - t0);
    if (freePages(db) >= free) break; // auto_vacuum is off on this file
    await tick(performance.now() - t0);
  }
  report.perMailbox = [...per.values()].sort((a, b) => a.address.localeCompare(b.address));
  report.fileBytesAfter = databaseBytes(db);
  report.durationMs = Date.now() - started;
  db.transaction(() => {
    recordPurgeRun(db, { startedAt: started, endedAt: Date.now(), messages: report.messages, bytes: report.bytes, blobs: report.blobs });
    audit(db, {
      actor: o.actor ?? 'system',
      subject: 'server',
      action: 'purge',
      details: { cutoff: report.cutoff, messages: report.messages, bytes: report.bytes, blobs: report.blobs, mailboxes: report.perMailbox.length, durationMs: report.durationMs },
    });
    if (report.messages > 0) bumpControl(db); // a server in another process re-syncs its sessions
  })();
  metrics.inc(METRIC.purgeRuns, { trigger: o.trigger ?? 'schedule' });
  metrics.inc(METRIC.purgedMessages, {}, report.messages);
  o.log?.info({ messages: report.messages, bytes: report.bytes, blobs: report.blobs, ms: report.durationMs, maxBatchMs: Math.round(report.maxBatchMs) }, 'retention purge done');
  return report;
}
