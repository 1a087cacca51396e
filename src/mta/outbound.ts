/**
 * Delivering the outbound queue (RFC 5321 §4.5.4 retry strategy, §6 bounces):
 *   - due rows are claimed in one transaction ('sending'), at most
 *     `outbound.concurrency` at once; rows a dead process left 'sending' go back
 *     to the queue when the runner starts, so nothing accepted is lost (a message
 *     cut off between the remote 250 and our commit is sent again: at least once);
 *   - the remote end and its TLS rules come from remote.ts (a route, or the MX
 *     hosts with MTA-STS); STARTTLS whenever offered, required under an MTA-STS
 *     enforce policy;
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
import nodemailer from 'nodemailer';
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
}

function transportFor(cfg: Config, target: RemoteTarget) {
  const wait = Math.min(cfg.outbound.timeoutMs, 30_000);
  return nodemailer.createTransport({
    host: target.host,
    port: target.port,
    secure: false,
    name: cfg.hostname,
    // RFC 8461 §4.2: under an enforce policy the session is TLS with a certificate valid for the MX name, or nothing.
    requireTLS: target.requireTls,
    tls: target.requireTls
      ? { rejectUnauthorized: true, servername: target.servername, minVersion: 'TLSv1.2' }
      : // Opportunistic STARTTLS between servers (RFC 3207 §4, RFC 7435): MX certificates are rarely verifiable.
        { rejectUnauthorized: false, minVersion: 'TLSv1.2' },
    connectionTimeout: wait,
    greetingTimeout: wait,
    socketTimeout: cfg.outbound.timeoutMs,
    ...(target.socket
      ? {
          getSocket(_options: unknown, cb: (err: Error | null, socket?: { connection: import('node:net').Socket }) => void) {
            cb(null, { connection: target.socket! });
          },
        }
      : {}),
  } as never);
}

function has8Bit(raw: Buffer): boolean {
  return /[\x80-\xff]/.test(raw.toString('latin1'));
}

async function attempt(ctx: RunnerContext, row: QueueRow): Promise<Attempt> {
  const { cfg, db } = ctx;
  let target: RemoteTarget;
  try {
    target = await connectRemote({ cfg, domain: row.domain, sts: ctx.sts, log: ctx.log });
  } catch (e) {
    return { ok: false, permanent: false, text: (e as Error).message, remote: null };
  }
  const senderDomain = row.sender.slice(row.sender.lastIndexOf('@') + 1);
  const raw = await signMessage(readBlob(db, row.blob_id), getDkimKey(db, senderDomain), ctx.log);
  const transport = transportFor(cfg, target);
  try {
    // RFC 6152 §3: 8-bit data goes with BODY=8BITMIME. A UTF-8 address brings SMTPUTF8
    // (RFC 6531 §3.4), added by the SMTP client when the remote offers it.
    const envelope = { from: row.sender, to: [row.recipient], use8BitMime: has8Bit(raw) };
    const info = (await transport.sendMail({ envelope, raw })) as { response: string };
    return { ok: true, permanent: false, text: info.response, remote: target.remote };
  } catch (e) {
    const err = e as Error & { responseCode?: number; response?: string; code?: string; command?: string };
    // RFC 8461 §5.1: a delivery that fails an enforce policy is never failed for good on that
    // ground (the policy may change); a refused STARTTLS is one of those.
    const policyFailure = target.requireTls && (err.code === 'ETLS' || err.command === 'STARTTLS');
    const permanent = !policyFailure && typeof err.responseCode === 'number' && err.responseCode >= 500;
    const said = err.response ?? `${err.code ?? 'error'}: ${err.message}`;
    const text = policyFailure ? `the MTA-STS policy requires STARTTLS, which ${target.remote} refused: ${said}` : said;
    return { ok: false, permanent, text, remote: target.remote };
  } finally {
    transport.close();
    target.socket?.destroy();
  }
}

export function startOutbound(o: { db: Db; cfg: Config; log: Logger; writer: Writer }): OutboundRunner {
  const { db, cfg, log } = o;
  const c = cfg.outbound;
  const ctx: RunnerContext = { cfg, db, log, sts: new StsCache() };
  let stopping = false;
  let wake: NodeJS.Timeout | null = null;
  const running = new Set<Promise<void>>();

  const reporter = createReporter(o);

  const one = async (row: QueueRow) => {
    const a = await attempt(ctx, row);
    const now = Date.now();
    if (a.ok) {
      markSent(db, { id: row.id, at: now, remote: a.remote ?? '' });
      metrics.inc(METRIC.messagesAccepted, { path: 'outbound' });
      log.info({ queueId: row.queue_id, to: row.recipient, remote: a.remote, response: a.text }, 'outbound: delivered');
      return;
    }
    const giveUp = now - row.created_at >= c.giveUpSeconds * 1000;
    if (a.permanent || giveUp) return reporter.bounce(row, a, now);
    const next = now + Math.min(c.firstRetrySeconds * 2 ** row.attempts, c.maxRetrySeconds) * 1000;
    markDeferred(db, { id: row.id, at: now, next, error: a.text.slice(0, 1000), remote: a.remote });
    log.info({ queueId: row.queue_id, to: row.recipient, error: a.text, retryAt: new Date(next).toISOString() }, 'outbound: deferred');
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
