/**
 * Delivering the outbound queue (RFC 5321 §4.5.4 retry strategy, §6 bounces):
 *   - due rows are claimed in one transaction ('sending'), at most
 *     `outbound.concurrency` at once; rows a dead process left 'sending' go back
 *     to the queue when the runner starts, so nothing accepted is lost (a message
 *     cut off between the remote 250 and our commit is sent again: at least once);
 *   - the route: `outbound.routes[domain]` or `["*"]` (a smarthost; tests), else
 *     the domain's MX hosts through mx-connect (MX, then A/AAAA; MTA-STS and DANE
 *     where published), port 25, STARTTLS whenever offered;
 *   - signed with the sender domain's DKIM key when it has one (RFC 6376,
 *     relaxed/relaxed; `gospochta dkim generate`);
 *   - a 5xx answer bounces at once, anything else is tried again after
 *     `firstRetrySeconds`, doubling to `maxRetrySeconds`, until `giveUpSeconds`;
 *   - a bounce puts a DSN (dsn.ts) into the sender's INBOX.
 * One failing domain never holds up another: every row is its own attempt.
 */
import nodemailer from 'nodemailer';
import mxConnect from 'mx-connect';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import type { Logger } from '../shared/logger.js';
import type { Writer } from '../store/deliver.js';
import { readBlob } from '../store/blobs.js';
import { getFolder } from '../store/folders.js';
import { claimDue, markBounced, markDeferred, markSent, reclaimStale, getDkimKey, type QueueRow } from '../store/outbound.js';
import { parseMessage } from '../mime/parse.js';
import { metrics, METRIC } from '../shared/metrics.js';
import { deliveryReport, statusOf } from './dsn.js';

export interface OutboundRunner {
  /** Look at the queue now (a submission was just queued). */
  kick(): void;
  stop(): Promise<void>;
}

interface Attempt {
  ok: boolean;
  permanent: boolean;
  text: string;
  remote: string | null;
}

function routeOf(cfg: Config, domain: string): { host: string; port: number } | null {
  const r = cfg.outbound.routes[domain] ?? cfg.outbound.routes['*'];
  if (!r) return null;
  const i = r.lastIndexOf(':');
  return { host: r.slice(0, i), port: Number(r.slice(i + 1)) };
}

async function attempt(cfg: Config, db: Db, row: QueueRow): Promise<Attempt> {
  const route = routeOf(cfg, row.domain);
  const senderDomain = row.sender.slice(row.sender.lastIndexOf('@') + 1);
  const key = getDkimKey(db, senderDomain);
  let remote: string | null = route ? `${route.host}:${route.port}` : null;
  const transport = nodemailer.createTransport({
    host: route?.host ?? row.domain,
    port: route?.port ?? 25,
    secure: false,
    name: cfg.hostname,
    // Opportunistic STARTTLS between servers (RFC 3207 §4): certificates of MX hosts are
    // rarely verifiable without MTA-STS or DANE, which mx-connect applies where published.
    tls: { rejectUnauthorized: false, minVersion: 'TLSv1.2' },
    connectionTimeout: Math.min(cfg.outbound.timeoutMs, 30_000),
    greetingTimeout: Math.min(cfg.outbound.timeoutMs, 30_000),
    socketTimeout: cfg.outbound.timeoutMs,
    ...(key ? { dkim: { domainName: key.domain, keySelector: key.selector, privateKey: key.private_key } } : {}),
    ...(route
      ? {}
      : {
          getSocket(_options: unknown, cb: (err: Error | null, socket?: { connection: import('node:net').Socket }) => void) {
            mxConnect({ target: row.domain, port: 25, localHostname: cfg.hostname, maxConnectTime: Math.min(cfg.outbound.timeoutMs, 30_000) })
              .then((c) => {
                remote = c.hostname || c.host;
                cb(null, { connection: c.socket });
              })
              .catch((e: Error) => cb(e));
          },
        }),
  } as never);
  try {
    const info = (await transport.sendMail({ envelope: { from: row.sender, to: [row.recipient] }, raw: readBlob(db, row.blob_id) })) as { response: string };
    return { ok: true, permanent: false, text: info.response, remote };
  } catch (e) {
    const err = e as Error & { responseCode?: number; response?: string; code?: string };
    const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500;
    const text = err.response ?? `${err.code ?? 'error'}: ${err.message}`;
    return { ok: false, permanent, text, remote };
  } finally {
    transport.close();
  }
}

export function startOutbound(o: { db: Db; cfg: Config; log: Logger; writer: Writer }): OutboundRunner {
  const { db, cfg, log } = o;
  const c = cfg.outbound;
  let stopping = false;
  let wake: NodeJS.Timeout | null = null;
  const running = new Set<Promise<void>>();

  const bounce = async (row: QueueRow, a: Attempt, now: number) => {
    markBounced(db, { id: row.id, at: now, error: a.text.slice(0, 1000), remote: a.remote });
    metrics.inc(METRIC.messagesRefused, { path: 'outbound', reason: 'bounced' });
    log.warn({ queueId: row.queue_id, to: row.recipient, error: a.text }, 'outbound: bounced, returning a delivery report to the sender');
    const inbox = row.mailbox_id === null ? undefined : getFolder(db, row.mailbox_id, 'INBOX');
    if (!inbox) return;
    const raw = deliveryReport({
      hostname: cfg.hostname,
      postmaster: `postmaster@${cfg.domains[0]}`,
      to: row.sender,
      original: readBlob(db, row.blob_id),
      arrival: row.created_at,
      failed: [{ recipient: row.recipient, status: statusOf(a.text, true), diagnostic: a.text, remote: a.remote }],
    });
    await o.writer.deliver({ raw, parsed: parseMessage(raw), targets: [{ folderId: inbox.id }], quotaExempt: true });
  };

  const one = async (row: QueueRow) => {
    const a = await attempt(cfg, db, row);
    const now = Date.now();
    if (a.ok) {
      markSent(db, { id: row.id, at: now, remote: a.remote ?? '' });
      metrics.inc(METRIC.messagesAccepted, { path: 'outbound' });
      log.info({ queueId: row.queue_id, to: row.recipient, remote: a.remote, response: a.text }, 'outbound: delivered');
      return;
    }
    const giveUp = now - row.created_at >= c.giveUpSeconds * 1000;
    if (a.permanent || giveUp) return bounce(row, a, now);
    const next = now + Math.min(c.firstRetrySeconds * 2 ** row.attempts, c.maxRetrySeconds) * 1000;
    markDeferred(db, { id: row.id, at: now, next, error: a.text.slice(0, 1000), remote: a.remote });
    log.info({ queueId: row.queue_id, to: row.recipient, error: a.text, retryAt: new Date(next).toISOString() }, 'outbound: deferred');
  };

  const tick = () => {
    wake = null;
    if (stopping) return;
    try {
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
