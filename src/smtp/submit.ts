/**
 * Accepting a received submission, one pipeline from DATA to COMMIT:
 *   1. the top-level header (only the chunks that hold it) → the sender named in
 *      the message must be the authenticated mailbox (sender.ts, RFC 6409 §8.1);
 *   2. trace fields (received.ts: Received, and Date / Message-ID when missing);
 *   3. the trace and the received chunks joined once into the stored bytes, parsed
 *      once (mime/);
 *   4. one group-committed transaction for all recipients that re-checks the
 *      sender's access and the daily limit, stores the message once (filed in the
 *      local INBOXes, one queue row per remote recipient), counts the send and
 *      journals it. Resolves after COMMIT; then the outbound runner is woken.
 */
import type { SMTPServerSession } from 'smtp-server';
import { prepareOffLoop } from '../mime/parse-pool.js';
import { audit } from '../store/audit.js';
import { GpError } from '../shared/errors.js';
import { sessionAccess } from '../identity/access.js';
import { checkDailyLimit, recordSend, utcMinute } from '../policy/daily-limit.js';
import { metrics, METRIC, type RefusalReason } from '../shared/metrics.js';
import { R, type SmtpReplyError } from './replies.js';
import { headerFacts, newQueueId, traceHeaders } from './received.js';
import { senderIdentityRefusal } from './sender.js';
import { counted, refuseAudited } from './refusals.js';
import { enqueueOutbound } from '../store/outbound.js';
import { deliverLocal } from '../delivery/local.js';
import type { LocalRecipient, SmtpContext, SmtpUser } from './types.js';

export type SubmitResult = { ok: true; queueId: string } | { ok: false; reason: RefusalReason; error: SmtpReplyError };

export async function deliverSubmission(
  ctx: SmtpContext,
  m: { chunks: Buffer[]; size: number; user: SmtpUser; recipients: LocalRecipient[]; remote?: string[]; session: SMTPServerSession },
): Promise<SubmitResult> {
  const { cfg, db } = ctx;
  const client = m.session.remoteAddress;
  const remote = m.remote ?? [];
  const facts = headerFacts(m.chunks);
  const identity = senderIdentityRefusal(facts.fields, m.user.address);
  if (identity) {
    const error = refuseAudited(db, { user: m.user, remote: client, reason: 'sender_mismatch', details: { check: 'header', text: identity }, error: R.senderIdentity(identity) });
    return { ok: false, reason: 'sender_mismatch', error };
  }
  const queueId = newQueueId();
  const tls = (m.session as SMTPServerSession & { tlsOptions?: { version?: string } | false }).tlsOptions;
  const trace = Buffer.from(
    traceHeaders(
      {
        heloName: m.session.hostNameAppearsAs || '',
        remoteAddress: client,
        hostname: cfg.hostname,
        tlsVersion: (tls && tls.version) || 'TLS',
        user: m.user.address,
        queueId,
        ...(m.recipients.length + remote.length === 1 ? { for: m.recipients[0]?.address ?? remote[0]! } : {}),
      },
      facts,
    ),
    'utf8',
  );
  const raw = Buffer.concat([trace, ...m.chunks], trace.length + m.size);
  const { parsed } = await prepareOffLoop(raw);
  const n = m.recipients.length + remote.length;
  try {
    // Forwarding and filters of the local recipients run here (delivery/local.ts).
    const done = await deliverLocal(ctx, {
      raw,
      parsed,
      mailFrom: m.user.address,
      recipients: m.recipients.map((r) => ({ recipient: r, folderId: r.inboxId })),
      extraRefs: remote.length,
      extra: (db, blobId) => {
        // Re-checked inside the transaction: a block or password change that committed
        // while DATA streamed stops this message, and two sessions of one mailbox
        // cannot both pass the daily limit.
        if (!sessionAccess(db, m.user.mailboxId, m.user.credential).ok) throw new GpError('ACCESS_WITHDRAWN', 'access withdrawn');
        const limit = checkDailyLimit(db, cfg, m.user.mailboxId, n);
        if (!limit.ok) throw new GpError('DAILY_LIMIT', utcMinute(limit.retryAt), { details: { limit: limit.limit } });
        recordSend(db, m.user.mailboxId, n);
        if (remote.length) enqueueOutbound(db, { queueId, mailboxId: m.user.mailboxId, sender: m.user.address, recipients: remote, blobId, at: Date.now() });
        audit(db, {
          actor: `mailbox:${m.user.address}`,
          subject: `mailbox:${m.user.address}`,
          action: 'submission',
          remote: client,
          mailboxId: m.user.mailboxId,
          details: { queueId, recipients: n, remote: remote.length, size: raw.length },
        });
      },
    });
    if (!done.ok) return { ok: false, reason: 'filter_reject', error: R.filterReject(done.rejected) };
  } catch (e) {
    if (e instanceof GpError && e.code === 'DAILY_LIMIT') {
      return { ok: false, reason: 'daily_limit', error: R.dailyLimit(cfg.limits.dailyRecipients, e.message) };
    }
    if (e instanceof GpError && e.code === 'ACCESS_WITHDRAWN') return { ok: false, reason: 'access_withdrawn', error: R.accessWithdrawn() };
    if (e instanceof GpError && e.code === 'OVERQUOTA') return { ok: false, reason: 'over_quota', error: counted('over_quota', R.overQuota(e.message)) };
    throw e;
  }
  if (remote.length) ctx.outbound?.kick();
  metrics.inc(METRIC.messagesAccepted, { path: 'smtp' });
  metrics.inc(METRIC.recipientsAccepted, {}, n);
  ctx.log.info({ sid: m.session.id, queueId, from: m.user.address, recipients: n, size: raw.length }, 'message accepted');
  return { ok: true, queueId };
}
