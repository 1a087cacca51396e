/**
 * The smtp-server hooks of submission (RFC 6409, RFC 4954 AUTH), each a refusal in
 * the words of replies.ts:
 *   onAuth      → identity/auth.ts (lockout, journal)             535 5.7.8 / 454 4.7.0;
 *                 PLAIN with an authorization identity other than the
 *                 authentication identity                          535 5.7.8 (RFC 4616 §2)
 *   every command after AUTH re-checks that the mailbox may still be used and that
 *                 its password is the one of the login             421 4.7.0, then closed
 *   onMailFrom  → the envelope sender is the authenticated mailbox   553 5.7.1
 *   onRcptTo    → at most smtp.maxRecipients (452 4.5.3); local recipients (550 5.1.1
 *                 unknown) and, with outbound.enabled, other domains (queued; else
 *                 550 5.7.1); the daily limit counts both (550 5.4.5)
 *   onData      → SIZE (552 5.3.4), attachments while streaming (552 5.3.4), then
 *                 submit.ts (the sender inside the message, one parse, one commit) → 250
 */
import type { SMTPServerAuthentication, SMTPServerAuthenticationResponse, SMTPServerDataStream, SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { sessionAccess } from '../identity/access.js';
import { lookupRecipient } from '../identity/recipients.js';
import { checkDailyLimit, utcMinute } from '../policy/daily-limit.js';
import { metrics, METRIC } from '../shared/metrics.js';
import { R, type SmtpReplyError } from './replies.js';
import { recipientQuotaRefusal } from '../policy/quota.js';
import { acceptedText, declaredSize, handleData } from './data.js';
import { deliverSubmission } from './submit.js';
import { counted, refuseAudited } from './refusals.js';
import type { Connections } from './connections.js';
import { userOf, type LocalRecipient, type SmtpContext, type SmtpUser } from './types.js';

type Cb = (err?: Error | null) => void;

interface Envelope {
  local: LocalRecipient[];
  /** Addresses of other domains: queued for delivery (mta/outbound.ts). */
  remote: string[];
}

export interface Hooks {
  onConnect(session: SMTPServerSession, cb: Cb): void;
  onAuth(auth: SMTPServerAuthentication, session: SMTPServerSession, cb: (err: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void): void;
  onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, cb: Cb): void;
  onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, cb: Cb): void;
  onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb: (err?: Error | null, message?: string) => void): void;
  onClose(session: SMTPServerSession): void;
}

/** RFC 4616 §2: an authorization identity, when given, must be the authentication identity. */
function actsAsAnother(auth: SMTPServerAuthentication): boolean {
  const a = auth as SMTPServerAuthentication & { authzid?: string; authcid?: string };
  const authzid = (a.authzid ?? '').trim().toLowerCase();
  const authcid = (a.authcid ?? '').trim().toLowerCase();
  // Clients that put the user in authzid and leave authcid empty are served as that user.
  return authzid !== '' && authcid !== '' && authzid !== authcid;
}

export function submissionHooks(ctx: SmtpContext, conns: Connections, isClosing: () => boolean): Hooks {
  const { cfg, db, log } = ctx;
  const served = new Set(cfg.domains);
  /** Recipients accepted so far, per session id (RCPT → DATA): local mailboxes and remote addresses. */
  const recipients = new Map<string, Envelope>();
  const envelopeOf = (id: string): Envelope => recipients.get(id) ?? { local: [], remote: [] };

  /** The session's user if it may go on; else the session is told 421 and closed. */
  const stillAllowed = (session: SMTPServerSession): SmtpUser | SmtpReplyError => {
    const user = userOf(session);
    if (!user) return Object.assign(new Error('5.7.0 Authentication required'), { responseCode: 530 });
    if (sessionAccess(db, user.mailboxId, user.credential).ok) return user;
    log.info({ sid: session.id, address: user.address }, 'smtp: command refused, access withdrawn');
    const err = counted('access_withdrawn', R.accessWithdrawn());
    conns.end(session.id, err.message);
    return err;
  };

  return {
    onConnect(_session, cb) {
      if (isClosing()) return cb(R.shuttingDown());
      metrics.inc(METRIC.connections, { protocol: 'smtp' });
      cb();
    },

    onAuth(auth, session, cb) {
      if (auth.method !== 'PLAIN' && auth.method !== 'LOGIN') return cb(R.authMethod());
      if (actsAsAnother(auth)) {
        metrics.inc(METRIC.logins, { protocol: 'smtp', outcome: 'failed' });
        return cb(R.authzidMismatch());
      }
      ctx.auth
        .authenticate({
          address: auth.username ?? '',
          password: auth.password ?? '',
          protocol: 'smtp',
          remote: session.remoteAddress,
          ...(session.hostNameAppearsAs ? { client: session.hostNameAppearsAs } : {}),
        })
        .then((r) => {
          const failed = !r.ok && (r.reason === 'invalid' || r.reason === 'app-password-required');
          metrics.inc(METRIC.logins, { protocol: 'smtp', outcome: r.ok ? 'ok' : failed ? 'failed' : 'locked' });
          // RFC 4954 §6: 535 5.7.8; with two-factor protection on, the text says an app password is needed.
          if (!r.ok) return cb(r.reason === 'app-password-required' ? R.appPasswordRequired(r.message) : r.reason === 'invalid' ? R.authFailed() : R.authLocked(r.message));
          const user: SmtpUser = { mailboxId: r.mailboxId, address: r.address, credential: r.credential };
          // smtp-server types `user` as a string but carries any value to the session.
          cb(null, { user: user as unknown as string });
        })
        .catch((e: unknown) => {
          log.error({ err: e, sid: session.id }, 'authentication error');
          cb(R.authLocked('the server could not check the password now'));
        });
    },

    onMailFrom(address, session, cb) {
      const user = stillAllowed(session);
      if (user instanceof Error) return cb(user);
      recipients.set(session.id, { local: [], remote: [] });
      const given = (address.address || '').toLowerCase();
      if (given !== user.address) {
        return cb(refuseAudited(db, { user, remote: session.remoteAddress, reason: 'sender_mismatch', details: { sender: given.slice(0, 256) }, error: R.senderMismatch(given, user.address) }));
      }
      const declared = Number((address.args as Record<string, string> | false | undefined)?.['SIZE' as never] ?? 0);
      if (declared > cfg.smtp.maxMessageBytes) return cb(counted('size', R.sizeExceeded(cfg.smtp.maxMessageBytes)));
      cb();
    },

    onRcptTo(address, session, cb) {
      const user = stillAllowed(session);
      if (user instanceof Error) return cb(user);
      const env = envelopeOf(session.id);
      const rcpt = (address.address || '').toLowerCase();
      const count = env.local.length + env.remote.length;
      if (env.local.some((r) => r.address === rcpt) || env.remote.includes(rcpt)) return cb(); // the same recipient twice counts once
      if (count >= cfg.smtp.maxRecipients) return cb(R.tooManyRecipients(cfg.smtp.maxRecipients));
      const found = lookupRecipient(db, served, rcpt);
      if (found.kind === 'other-domain' && !cfg.outbound.enabled) return cb(counted('relay_denied', R.otherDomain(rcpt)));
      if (found.kind === 'unknown') return cb(counted('recipient_unknown', R.unknownRecipient(rcpt)));
      // Remote recipients count toward the daily limit like local ones.
      const limit = checkDailyLimit(db, cfg, user.mailboxId, count + 1);
      if (!limit.ok) {
        const details = { limit: limit.limit, used: limit.used, retryAt: limit.retryAt.toISOString() };
        return cb(refuseAudited(db, { user, remote: session.remoteAddress, reason: 'daily_limit', details, error: R.dailyLimit(limit.limit, utcMinute(limit.retryAt)) }));
      }
      if (found.kind === 'local') {
        const full = recipientQuotaRefusal(db, cfg, found.recipient.mailboxId, declaredSize(session));
        if (full) return cb(counted('over_quota', R.overQuota(full)));
        env.local.push(found.recipient);
      } else env.remote.push(rcpt);
      recipients.set(session.id, env);
      cb();
    },

    onData(stream, session, cb) {
      const env = envelopeOf(session.id);
      const reset = () => recipients.set(session.id, { local: [], remote: [] });
      handleData({ stream, session, cfg, inData: conns.inData, log, failed: 'delivery failed', internal: (e) => counted('internal', e), reset, cb }, async (got, done) => {
        // The whole message has arrived (smtp-server answers only now): check the sender again.
        const user = stillAllowed(session);
        if (user instanceof Error) return done(user);
        if (got.kind === 'size') return done(counted('size', R.sizeExceeded(cfg.smtp.maxMessageBytes)));
        if (got.kind === 'attachments') {
          return done(refuseAudited(db, { user, remote: session.remoteAddress, reason: 'attachment_limit', details: { attachmentBytes: got.attachmentBytes }, error: R.attachments(got.text) }));
        }
        if (!env.local.length && !env.remote.length) return done(R.noRecipients());
        const r = await deliverSubmission(ctx, { chunks: got.chunks, size: got.size, user, recipients: env.local, remote: env.remote, session });
        if (!r.ok) {
          if (r.reason === 'access_withdrawn') conns.end(session.id, r.error.message);
          return done(r.error);
        }
        done(null, acceptedText(r.queueId));
      });
    },

    onClose(session) {
      recipients.delete(session.id);
      conns.inData.delete(session.id);
    },
  };
}
