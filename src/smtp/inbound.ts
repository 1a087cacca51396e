/**
 * Accepting a message from another server (RFC 5321 on the MX port), from DATA
 * to COMMIT:
 *   1. SPF, DKIM, DMARC and ARC checked with mailauth against the client's
 *      address, EHLO name and MAIL FROM;
 *   2. DMARC `p=reject` failed → refused whole, 550 5.7.1 with the reason;
 *      `p=quarantine` failed → delivered into Junk;
 *   2a. with `spam.rspamdUrl`, rspamd's verdict (spam/verdict.ts): over the
 *      reject score refused, 550 5.7.1 with rspamd's reason; over the junk score
 *      into Junk; X-Spam-* fields added; rspamd down → delivered, a warning;
 *   3. any Authentication-Results: field that claims to come from this host is
 *      removed (RFC 8601 §5: a forgery), and one is added, naming this host,
 *      with a Received: trace field (RFC 5321 §4.4, protocol ESMTP/ESMTPS);
 *   4. stored once for every local recipient in one group-committed transaction;
 *      resolves after COMMIT.
 */
import type { SMTPServerSession } from 'smtp-server';
import { authenticate } from 'mailauth';
import { prepareOffLoop } from '../mime/parse-pool.js';
import { findHeaderEnd, parseHeaderFields } from '../mime/header.js';
import { junkFolderOf, type LocalRecipient } from '../identity/recipients.js';
import { newQueueId, receivedField } from './received.js';
import { reply, R, type SmtpReplyError } from './replies.js';
import { deliverLocal } from '../delivery/local.js';
import { counted } from './refusals.js';
import { GpError } from '../shared/errors.js';
import { metrics, METRIC } from '../shared/metrics.js';
import { scanInbound } from '../spam/verdict.js';
import type { DnsResolve } from './dns.js';
import type { SmtpContext } from './types.js';

export type InboundResult = { ok: true; queueId: string; junk: boolean } | { ok: false; error: SmtpReplyError };

interface DmarcVerdict {
  status?: { result?: string };
  policy?: string;
  domain?: string;
}

/** The header with every Authentication-Results: field of `authservId` taken out (RFC 8601 §5). */
function withoutForgedResults(raw: Buffer, authservId: string): Buffer {
  const h = findHeaderEnd(raw, 0, raw.length);
  const fields = parseHeaderFields(raw, 0, h.fieldsEnd);
  const forged = (v: string) => v.split(';')[0]!.trim().split(/\s+/)[0]!.toLowerCase() === authservId.toLowerCase();
  if (!fields.some((f) => f.name === 'authentication-results' && forged(f.value))) return raw;
  // Rebuild the header line by line, dropping the forged fields with their continuation lines.
  const text = raw.subarray(0, h.fieldsEnd).toString('latin1');
  const lines = text.split(/(?<=\n)/);
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      if (!dropping) kept.push(line);
      continue;
    }
    const m = /^authentication-results[ \t]*:(.*)$/is.exec(line);
    dropping = m !== null && forged(m[1]!.trim());
    if (!dropping) kept.push(line);
  }
  return Buffer.concat([Buffer.from(kept.join(''), 'latin1'), raw.subarray(h.fieldsEnd)]);
}

export async function deliverInbound(
  ctx: SmtpContext,
  m: { chunks: Buffer[]; size: number; session: SMTPServerSession; mailFrom: string; recipients: LocalRecipient[]; resolver: DnsResolve },
): Promise<InboundResult> {
  const { cfg, db } = ctx;
  const s = m.session;
  const helo = s.hostNameAppearsAs || '';
  const message = withoutForgedResults(Buffer.concat(m.chunks, m.size), cfg.hostname);
  const verdict = await authenticate(message, {
    ip: s.remoteAddress,
    helo,
    sender: m.mailFrom,
    mta: cfg.hostname,
    resolver: m.resolver as never,
    disableBimi: true,
  });
  const dmarc = (verdict.dmarc ?? {}) as DmarcVerdict;
  const failed = dmarc.status?.result === 'fail';
  if (failed && dmarc.policy === 'reject') {
    ctx.log.info({ sid: s.id, remote: s.remoteAddress, from: m.mailFrom, domain: dmarc.domain }, 'mx: refused by the sender domain\'s DMARC policy');
    return {
      ok: false,
      error: counted('dmarc_reject', reply(550, '5.7.1', `Message refused: it fails the DMARC check of ${dmarc.domain ?? 'the sender domain'}, whose policy is reject (neither SPF nor DKIM aligned with the From: domain)`), 'mx'),
    };
  }
  const queueId = newQueueId();
  const spam = await scanInbound(cfg.spam, message, { ip: s.remoteAddress, helo, from: m.mailFrom, recipients: m.recipients.map((r) => r.address), hostname: s.clientHostname || '', queueId }, ctx.log);
  if (spam.kind === 'reject') {
    ctx.log.info({ sid: s.id, remote: s.remoteAddress, from: m.mailFrom, score: spam.verdict.score }, 'mx: refused as spam');
    const why = spam.verdict.message ?? `spam score ${spam.verdict.score.toFixed(2)} of at most ${cfg.spam.rejectScore}`;
    return { ok: false, error: counted('spam', reply(550, '5.7.1', `Message refused as spam: ${why.replace(/[\r\n]+/g, ' ').slice(0, 300)}`), 'mx') };
  }
  const junk = (failed && dmarc.policy === 'quarantine') || spam.kind === 'junk';
  const tls = (s as SMTPServerSession & { secure?: boolean }).secure === true;
  const received = receivedField({
    heloName: helo,
    remoteAddress: s.remoteAddress,
    hostname: cfg.hostname,
    protocol: tls ? 'ESMTPS' : 'ESMTP',
    queueId,
    ...(m.recipients.length === 1 ? { for: m.recipients[0]!.address } : {}),
  });
  // mailauth's fields (Received-SPF, Authentication-Results), with CRLF line ends.
  const results = verdict.headers.replace(/\r?\n/g, '\r\n');
  const trace = Buffer.from(received + results + ('fields' in spam ? spam.fields : ''), 'utf8');
  const raw = Buffer.concat([trace, message], trace.length + message.length);
  const { parsed } = await prepareOffLoop(raw);
  // Forwarding and filters of the recipients run here (delivery/local.ts).
  let done: Awaited<ReturnType<typeof deliverLocal>>;
  try {
    done = await deliverLocal(ctx, {
      raw,
      parsed,
      mailFrom: m.mailFrom,
      recipients: m.recipients.map((r) => ({ recipient: r, folderId: junk ? junkFolderOf(db, r) : r.inboxId })),
    });
  } catch (e) {
    // RFC 9208 §5 / RFC 3463 X.2.2: a recipient's mailbox is full; nothing was stored.
    if (e instanceof GpError && e.code === 'OVERQUOTA') return { ok: false, error: counted('over_quota', R.overQuota(e.message), 'mx') };
    throw e;
  }
  if (!done.ok) return { ok: false, error: counted('filter_reject', R.filterReject(done.rejected), 'mx') };
  metrics.inc(METRIC.messagesAccepted, { path: 'mx' });
  ctx.log.info({ sid: s.id, queueId, from: m.mailFrom, recipients: m.recipients.length, size: raw.length, dmarc: dmarc.status?.result ?? 'none', spam: 'verdict' in spam ? spam.verdict.score : spam.kind, junk }, 'mx: message accepted');
  return { ok: true, queueId, junk };
}
