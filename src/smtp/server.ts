/**
 * SMTP submission on port 465 with implicit TLS (RFC 8314 §3.3, RFC 6409): AUTH
 * PLAIN and LOGIN (RFC 4954) required before MAIL; the sending rules of the
 * service; durable local delivery (250 only after COMMIT with synchronous=FULL,
 * through the shared group-committing Writer).
 *
 * Hooks of smtp-server:
 *   onAuth      → identity/auth.ts (lockout, journal)             535 5.7.8 / 454 4.7.0
 *   onMailFrom  → the envelope sender is the authenticated mailbox   553 5.7.1
 *   onRcptTo    → at most smtp.maxRecipients (452 4.5.3), local recipients only
 *                 (550 5.1.1 unknown, 550 5.7.1 other domains), the daily limit (550 5.4.5)
 *   onData      → SIZE (552 5.3.4), attachments while streaming (552 5.3.4), the From:
 *                 field (553 5.7.1), trace fields, one parse, one blob, one commit → 250
 */
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession, type SMTPServerDataStream, type SMTPServerAddress } from 'smtp-server';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../shared/logger.js';
import type { Writer } from '../store/deliver.js';
import type { Authenticator } from '../identity/auth.js';
import type { TlsMaterial } from '../tls/certs.js';
import { getMailboxByAddress } from '../store/mailboxes.js';
import { getFolder } from '../store/folders.js';
import { mailboxAccess } from '../identity/access.js';
import { audit } from '../store/audit.js';
import { checkDailyLimit, utcMinute } from '../policy/daily-limit.js';
import { metrics, METRIC, type RefusalReason } from '../shared/metrics.js';
import { R, replyForError, type SmtpReplyError } from './replies.js';
import { receiveData } from './data.js';
import { deliverSubmission } from './submit.js';

export interface SmtpContext {
  cfg: Config;
  db: Db;
  log: Logger;
  bus: EventBus;
  writer: Writer;
  auth: Authenticator;
  tls: Pick<TlsMaterial, 'key' | 'cert'>;
  /** Defaults to cfg.smtp.port (0 = ephemeral). */
  port?: number;
  /** Defaults to cfg.bind. */
  host?: string;
}

export interface SmtpListener {
  port: number;
  setSecureContext(opts: { key: string | Buffer; cert: string | Buffer }): void;
  /** Stop accepting; DATA in progress may finish within graceMs; the rest get 421. */
  close(graceMs: number): Promise<void>;
}

/** What the session carries after AUTH. */
export interface SmtpUser {
  mailboxId: number;
  address: string;
}

export interface LocalRecipient {
  address: string;
  mailboxId: number;
  inboxId: number;
}

type Session = SMTPServerSession & { user?: SmtpUser | string };

function userOf(session: Session): SmtpUser | undefined {
  const u = session.user;
  return u && typeof u === 'object' ? u : undefined;
}

export async function startSmtp(ctx: SmtpContext): Promise<SmtpListener> {
  const { cfg, db, log } = ctx;
  const served = new Set(cfg.domains);
  /** Local recipients accepted so far, per session id (RCPT → DATA). */
  const recipients = new Map<string, LocalRecipient[]>();
  /** Sessions in DATA: they may finish during a graceful shutdown. */
  const inData = new Set<string>();
  let closing = false;

  const refuse = (reason: RefusalReason, err: SmtpReplyError): SmtpReplyError => {
    metrics.inc(METRIC.messagesRefused, { path: 'smtp', reason });
    return err;
  };

  const server = new SMTPServer({
    secure: true,
    key: ctx.tls.key,
    cert: ctx.tls.cert,
    minVersion: cfg.tls.minVersion,
    name: cfg.hostname,
    banner: 'gospochta ESMTP submission',
    size: cfg.smtp.maxMessageBytes,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: false,
    disabledCommands: ['STARTTLS'],
    maxClients: cfg.smtp.maxClients,
    socketTimeout: cfg.smtp.socketTimeoutMs,
    closeTimeout: cfg.smtp.shutdownGraceMs,
    logger: false,

    onConnect(session, cb) {
      if (closing) return cb(R.shuttingDown());
      metrics.inc(METRIC.connections, { protocol: 'smtp' });
      cb();
    },

    onAuth(auth: SMTPServerAuthentication, session: Session, cb) {
      if (auth.method !== 'PLAIN' && auth.method !== 'LOGIN') return cb(R.authMethod());
      ctx.auth
        .authenticate({
          address: auth.username ?? '',
          password: auth.password ?? '',
          protocol: 'smtp',
          remote: session.remoteAddress,
          ...(session.hostNameAppearsAs ? { client: session.hostNameAppearsAs } : {}),
        })
        .then((r) => {
          metrics.inc(METRIC.logins, { protocol: 'smtp', outcome: r.ok ? 'ok' : r.reason === 'invalid' ? 'failed' : 'locked' });
          if (r.ok) return cb(null, { user: { mailboxId: r.mailboxId, address: r.address } as unknown as string });
          return cb(r.reason === 'invalid' ? R.authFailed() : R.authLocked(r.message));
        })
        .catch((e: unknown) => {
          log.error({ err: e, sid: session.id }, 'authentication error');
          cb(R.authLocked('the server could not check the password now'));
        });
    },

    onMailFrom(address: SMTPServerAddress, session: Session, cb) {
      const user = userOf(session);
      if (!user) return cb(Object.assign(new Error('5.7.0 Authentication required'), { responseCode: 530 }));
      recipients.set(session.id, []);
      const given = (address.address || '').toLowerCase();
      if (given !== user.address) {
        audit(db, { actor: `mailbox:${user.address}`, subject: `mailbox:${user.address}`, action: 'submission.refused', outcome: 'refused', remote: session.remoteAddress, mailboxId: user.mailboxId, details: { reason: 'sender_mismatch', sender: given.slice(0, 256) } });
        return cb(refuse('sender_mismatch', R.senderMismatch(given, user.address)));
      }
      const declared = Number((address.args as Record<string, string> | false | undefined)?.['SIZE' as never] ?? 0);
      if (declared > cfg.smtp.maxMessageBytes) return cb(refuse('size', R.sizeExceeded(cfg.smtp.maxMessageBytes)));
      cb();
    },

    onRcptTo(address: SMTPServerAddress, session: Session, cb) {
      const user = userOf(session)!;
      const list = recipients.get(session.id) ?? [];
      const rcpt = (address.address || '').toLowerCase();
      if (list.some((r) => r.address === rcpt)) return cb(); // the same recipient twice counts once
      if (list.length >= cfg.smtp.maxRecipients) return cb(R.tooManyRecipients(cfg.smtp.maxRecipients));
      const at = rcpt.lastIndexOf('@');
      const domain = at > 0 ? rcpt.slice(at + 1) : '';
      if (!served.has(domain)) return cb(refuse('relay_denied', R.otherDomain(rcpt)));
      const mb = getMailboxByAddress(db, rcpt);
      const inbox = mb && mb.status === 'active' && mailboxAccess(db, mb.id).ok ? getFolder(db, mb.id, 'INBOX') : undefined;
      if (!mb || !inbox) return cb(refuse('recipient_unknown', R.unknownRecipient(rcpt)));
      const limit = checkDailyLimit(db, cfg, user.mailboxId, list.length + 1);
      if (!limit.ok) {
        const when = utcMinute(limit.retryAt);
        audit(db, { actor: `mailbox:${user.address}`, subject: `mailbox:${user.address}`, action: 'submission.refused', outcome: 'refused', remote: session.remoteAddress, mailboxId: user.mailboxId, details: { reason: 'daily_limit', limit: limit.limit, used: limit.used, retryAt: limit.retryAt.toISOString() } });
        return cb(refuse('daily_limit', R.dailyLimit(limit.limit, when)));
      }
      list.push({ address: rcpt, mailboxId: mb.id, inboxId: inbox.id });
      recipients.set(session.id, list);
      cb();
    },

    onData(stream: SMTPServerDataStream, session: Session, cb) {
      const user = userOf(session)!;
      const list = recipients.get(session.id) ?? [];
      inData.add(session.id);
      const done = (err: SmtpReplyError | null, msg?: string) => {
        inData.delete(session.id);
        recipients.set(session.id, []);
        if (err) cb(err);
        else cb(null, msg);
      };
      receiveData(stream, cfg)
        .then(async (got) => {
          if (got.kind === 'size') return done(refuse('size', R.sizeExceeded(cfg.smtp.maxMessageBytes)));
          if (got.kind === 'attachments') {
            audit(db, { actor: `mailbox:${user.address}`, subject: `mailbox:${user.address}`, action: 'submission.refused', outcome: 'refused', remote: session.remoteAddress, mailboxId: user.mailboxId, details: { reason: 'attachment_limit', attachmentBytes: got.attachmentBytes } });
            return done(refuse('attachment_limit', R.attachments(got.text)));
          }
          if (!list.length) return done(R.noRecipients());
          const r = await deliverSubmission(ctx, { raw: got.raw, user, recipients: list, session });
          if (!r.ok) return done(refuse(r.reason, r.error));
          done(null, `2.0.0 Message accepted for delivery: queued as ${r.queueId}`);
        })
        .catch((e: unknown) => {
          log.error({ err: e, sid: session.id }, 'delivery failed');
          done(refuse('internal', replyForError(e)));
        });
    },

    onClose(session) {
      recipients.delete(session.id);
      inData.delete(session.id);
    },
  });

  server.on('error', (e: Error) => log.error({ err: e }, 'smtp listener error'));
  // Replies are small writes in a request/response dialogue: without TCP_NODELAY, Nagle's
  // algorithm and delayed ACKs hold each one back ~40 ms.
  server.server.on('connection', (sock: import('node:net').Socket) => sock.setNoDelay(true));

  const port = await new Promise<number>((resolve, reject) => {
    const onError = (e: Error) => reject(Object.assign(e, { port: ctx.port ?? cfg.smtp.port }));
    server.server.once('error', onError);
    server.listen(ctx.port ?? cfg.smtp.port, ctx.host ?? cfg.bind, () => {
      server.server.off('error', onError);
      resolve((server.server.address() as { port: number }).port);
    });
  });
  log.info({ port }, 'SMTP submission listening (implicit TLS)');

  return {
    port,
    setSecureContext(opts) {
      server.updateSecureContext({ key: opts.key, cert: opts.cert });
    },
    close(graceMs: number) {
      if (closing) return Promise.resolve();
      closing = true;
      // Our own shutdown rather than SMTPServer.close(): that one destroys sockets still in
      // their TLS handshake, which can crash Node; here a handshake in flight completes and
      // its session is told 421 (onConnect), while listening stops at once.
      const conns = (server as unknown as { connections: Set<{ id: string; send(code: number, msg: string): void; close(): void }> }).connections;
      const bye = (c: { send(code: number, msg: string): void; close(): void }) => {
        try {
          c.send(421, `${cfg.hostname} Server shutting down, try again later`);
          c.close();
        } catch {
          /* already gone */
        }
      };
      server.server.close();
      // Connections not in DATA are told at once; a DATA transfer may finish (RFC 5321 §3.8).
      for (const c of conns) if (!inData.has(c.id)) bye(c);
      return new Promise<void>((resolve) => {
        const started = Date.now();
        const check = setInterval(() => {
          for (const c of conns) if (!inData.has(c.id)) bye(c);
          if (conns.size === 0 || Date.now() - started > graceMs) {
            for (const c of conns) bye(c);
            clearInterval(check);
            resolve();
          }
        }, 50);
      });
    },
  };
}
