/**
 * Accepting a received submission: the From: field must be the authenticated
 * mailbox (RFC 6409 §8.1 lets a submission server enforce it), trace fields are
 * added (received.ts), the message is parsed once (mime/) and stored once for all
 * local recipients in one group-committed transaction that also counts the send
 * for the daily limit and journals it. Resolves after COMMIT.
 */
import type { SMTPServerSession } from 'smtp-server';
import { parseMessage } from '../mime/parse.js';
import { audit } from '../store/audit.js';
import { GpError } from '../shared/errors.js';
import { checkDailyLimit, recordSend, utcMinute } from '../policy/daily-limit.js';
import { metrics, METRIC, type RefusalReason } from '../shared/metrics.js';
import { R, type SmtpReplyError } from './replies.js';
import { headerFacts, newQueueId, traceHeaders } from './received.js';
import type { LocalRecipient, SmtpContext, SmtpUser } from './server.js';

export type SubmitResult = { ok: true; queueId: string } | { ok: false; reason: RefusalReason; error: SmtpReplyError };

export async function deliverSubmission(
  ctx: SmtpContext,
  m: { raw: Buffer; user: SmtpUser; recipients: LocalRecipient[]; session: SMTPServerSession },
): Promise<SubmitResult> {
  const { cfg, db } = ctx;
  const facts = headerFacts(m.raw);
  if (facts.from.length !== 1 || facts.from[0] !== m.user.address) {
    const given = facts.fromText === null ? 'missing' : facts.fromText.slice(0, 200);
    audit(db, { actor: `mailbox:${m.user.address}`, subject: `mailbox:${m.user.address}`, action: 'submission.refused', outcome: 'refused', remote: m.session.remoteAddress, mailboxId: m.user.mailboxId, details: { reason: 'from_mismatch', from: given } });
    return { ok: false, reason: 'sender_mismatch', error: R.fromMismatch(given, m.user.address) };
  }
  const queueId = newQueueId();
  const tlsVersion = (m.session as SMTPServerSession & { tlsOptions?: { version?: string } | false }).tlsOptions;
  const trace = traceHeaders(
    {
      heloName: m.session.hostNameAppearsAs || '',
      remoteAddress: m.session.remoteAddress,
      hostname: cfg.hostname,
      tlsVersion: (tlsVersion && tlsVersion.version) || 'TLS',
      user: m.user.address,
      queueId,
      ...(m.recipients.length === 1 ? { for: m.recipients[0]!.address } : {}),
    },
    facts,
  );
  const raw = Buffer.concat([Buffer.from(trace, 'utf8'), m.raw]);
  const parsed = parseMessage(raw);
  const n = m.recipients.length;
  try {
    await ctx.writer.deliver({
      raw,
      parsed,
      targets: m.recipients.map((r) => ({ folderId: r.inboxId })),
      extra: (db) => {
        // Re-checked inside the transaction: two sessions of one mailbox cannot both pass the limit.
        const limit = checkDailyLimit(db, cfg, m.user.mailboxId, n);
        if (!limit.ok) throw new GpError('DAILY_LIMIT', utcMinute(limit.retryAt), { details: { limit: limit.limit } });
        recordSend(db, m.user.mailboxId, n);
        audit(db, {
          actor: `mailbox:${m.user.address}`,
          subject: `mailbox:${m.user.address}`,
          action: 'submission',
          remote: m.session.remoteAddress,
          mailboxId: m.user.mailboxId,
          details: { queueId, recipients: n, size: raw.length },
        });
      },
    });
  } catch (e) {
    if (e instanceof GpError && e.code === 'DAILY_LIMIT') {
      return { ok: false, reason: 'daily_limit', error: R.dailyLimit(cfg.limits.dailyRecipients, e.message) };
    }
    throw e;
  }
  metrics.inc(METRIC.messagesAccepted, { path: 'smtp' });
  metrics.inc(METRIC.recipientsAccepted, {}, n);
  ctx.log.info({ sid: m.session.id, queueId, from: m.user.address, recipients: n, size: raw.length }, 'message accepted');
  return { ok: true, queueId };
}
