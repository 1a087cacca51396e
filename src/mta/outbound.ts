/**
 * Delivering the outbound queue (RFC 5321 §4.5.4 retry strategy, §6 bounces):
 *   - due rows are claimed in one transaction ('sending'), at most
 *     `outbound.concurrency` at once; rows a dead process left 'sending' go back
 *     to the queue when the runner starts, so nothing accepted is lost (a message
 *     cut off between the remote 250 and our commit is sent again: at least once);
 *   - the remote end and its TLS policy come from remote.ts (a route, or the MX
 *     hosts with DANE and MTA-STS; tls-policy.ts), the session from smtp-send.ts:
 *     STARTTLS whenever offered, required (and the certificate checked) under
 *     DANE or an MTA-STS enforce policy; the policy and what the session found
 *     go to the queue row (`tls`), the log and gospochta_outbound_delivered_total;
 *   - DANE needs a validating resolver (dnssec-resolver.ts): which one, or why
 *     DANE is off, is logged once at start;
 *   - signed with the sender domain's DKIM key when it has one (sign.ts: RFC 6376
 *     relaxed/relaxed, RSA or Ed25519; `gospochta dkim generate`);
 *   - a 5xx answer bounces at once, anything else is tried again after
 *     `firstRetrySeconds`, doubling to `maxRetrySeconds`, until `giveUpSeconds`;
 *   - a bounce puts a DSN (reports.ts, dsn.ts: Action: failed) into the sender's
 *     INBOX; with `delayNoticeSeconds` set, a message still waiting that long
 *     earns one "delayed" report (RFC 3464 §2.3.3) per recipient, once;
 *   - the queue's length and the age of its oldest message are gauges
 *     (gospochta_outbound_queue_length, gospochta_outbound_queue_oldest_seconds),
 *     refreshed every poll.
 * One failing domain never holds up another: every row is its own attempt.
 */
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import type { Logger } from '../shared/logger.js';
import type { Writer } from '../store/deliver.js';
import { readBlob } from '../store/blobs.js';
import { claimDue, markDeferred, markSent, queueSummary, reclaimStale, getDkimKey, type QueueRow } from '../store/outbound.js';
import { metrics, METRIC } from '../shared/metrics.js';
import { createReporter, type Attempt } from './reports.js';
import { connectRemote, StsCache, type RemoteTarget } from './remote.js';
import { signMessage } from './sign.js';
import { sendOverSmtp } from './smtp-send.js';
import { chooseResolver, type DnssecResolver } from './dnssec-resolver.js';

export interface OutboundRunner {
  /** Look at the queue now (a submission was just queued). */
  kick(): void;
  stop(): Promise<void>;
}

interface RunnerContext {
  cfg: Config;
  db: Db;
  log: Logger;
  sts: StsCache;
  dnssec: DnssecResolver | null;
}

async function attempt(ctx: RunnerContext, row: QueueRow): Promise<Attempt> {
  const { cfg, db } = ctx;
  let target: RemoteTarget;
  try {
    target = await connectRemote({ cfg, domain: row.domain, sts: ctx.sts, log: ctx.log, dnssec: ctx.dnssec });
  } catch (e) {
    return { ok: false, permanent: false, text: (e as Error).message, remote: null, tls: null };
  }
  const senderDomain = row.sender.slice(row.sender.lastIndexOf('@') + 1);
  let raw: Buffer;
  try {
    raw = await signMessage(readBlob(db, row.blob_id), getDkimKey(db, senderDomain), ctx.log);
  } catch (e) {
    target.socket?.destroy();
    throw e;
  }
  // The session owns the socket from here and ends it with QUIT.
  const r = await sendOverSmtp({
    host: target.host,
    port: target.port,
    socket: target.socket,
    remote: target.remote,
    policy: target.policy,
    hostname: cfg.hostname,
    timeoutMs: cfg.outbound.timeoutMs,
    from: row.sender,
    to: row.recipient,
    raw,
  });
  return { ok: r.ok, permanent: r.permanent, text: r.text, remote: target.remote, tls: r.tls, policy: target.policy.kind };
}

export function startOutbound(o: { db: Db; cfg: Config; log: Logger; writer: Writer }): OutboundRunner {
  const { db, cfg, log } = o;
  const c = cfg.outbound;
  const dane = chooseResolver(cfg);
  if ('off' in dane) log[c.dane ? 'warn' : 'info']({ dane: false }, `outbound: DANE (RFC 7672) is not applied: ${dane.off}`);
  else log.info({ dane: true, resolver: `${dane.resolver.host}:${dane.resolver.port}` }, 'outbound: DANE (RFC 7672) applied, trusting the AD bit of this validating resolver');
  const ctx: RunnerContext = { cfg, db, log, sts: new StsCache(), dnssec: 'off' in dane ? null : dane.resolver };
  let stopping = false;
  let wake: NodeJS.Timeout | null = null;
  const running = new Set<Promise<void>>();

  const reporter = createReporter(o);

  const one = async (row: QueueRow) => {
    const a = await attempt(ctx, row);
    const now = Date.now();
    if (a.ok) {
      markSent(db, { id: row.id, at: now, remote: a.remote ?? '', tls: a.tls });
      metrics.inc(METRIC.messagesAccepted, { path: 'outbound' });
      metrics.inc(METRIC.outboundDelivered, { policy: a.policy ?? 'opportunistic' });
      log.info({ queueId: row.queue_id, to: row.recipient, remote: a.remote, tls: a.tls, response: a.text }, 'outbound: delivered');
      return;
    }
    const giveUp = now - row.created_at >= c.giveUpSeconds * 1000;
    if (a.permanent || giveUp) return reporter.bounce(row, a, now);
    const next = now + Math.min(c.firstRetrySeconds * 2 ** row.attempts, c.maxRetrySeconds) * 1000;
    markDeferred(db, { id: row.id, at: now, next, error: a.text.slice(0, 1000), remote: a.remote, tls: a.tls });
    log.info({ queueId: row.queue_id, to: row.recipient, error: a.text, tls: a.tls, retryAt: new Date(next).toISOString() }, 'outbound: deferred');
    await reporter.delayNotice(row, a, now);
  };

  const gauges = (now: number) => {
    const q = queueSummary(db, now);
    metrics.set(METRIC.outboundQueueLength, q.length);
    metrics.set(METRIC.outboundQueueOldest, q.oldestAgeSeconds ?? 0);
  };

  const tick = () => {
    wake = null;
    if (stopping) return;
    try {
      gauges(Date.now());
      const free = c.concurrency - running.size;
      if (free > 0) {
        for (const row of claimDue(db, { now: Date.now(), limit: free })) {
          const p = one(row)
            .catch((err: unknown) => log.error({ err, queueId: row.queue_id }, 'outbound: attempt failed'))
            .finally(() => {
              running.delete(p);
              schedule(0);
            });
          running.add(p);
        }
      }
    } catch (err) {
      log.error({ err }, 'outbound: reading the queue failed');
    }
    schedule(c.pollMs);
  };
  const schedule = (ms: number) => {
    if (stopping) return;
    if (wake && ms > 0) return;
    if (wake) clearTimeout(wake);
    wake = setTimeout(tick, ms);
    wake.unref();
  };
  // One runner per server: rows left 'sending' were cut off when a process died; try them again.
  reclaimStale(db, { before: Date.now() + 1 });
  schedule(0);

  return {
    kick: () => schedule(0),
    async stop() {
      stopping = true;
      if (wake) clearTimeout(wake);
      // Attempts under way finish (or time out); a row cut off is reclaimed at the next start.
      await Promise.race([Promise.all(running), new Promise((r) => setTimeout(r, 5000).unref())]);
    },
  };
}
