/**
 * SMTP submission (RFC 6409): on port 465 with implicit TLS (RFC 8314 §3.3), and
 * on port 587 with STARTTLS (RFC 3207; AUTH offered only after it, RFC 4954 §4).
 * Both: AUTH PLAIN and LOGIN required before MAIL; the sending rules of the
 * service (hooks.ts); durable local delivery (submit.ts: 250 only after COMMIT
 * with synchronous=FULL, through the shared group-committing Writer); open
 * connections ended when their access is withdrawn and on shutdown
 * (connections.ts).
 */
import { installDataScan } from './data-scan.js';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { submissionHooks } from './hooks.js';
import { trackConnections } from './connections.js';
import { listenSmtp, listenerHandle } from './listen.js';
import type { SmtpContext, SmtpListener } from './types.js';
import { tlsPosture } from '../tls/posture.js';

export type { SmtpContext, SmtpListener, SmtpUser, LocalRecipient } from './types.js';

export async function startSmtp(ctx: SmtpContext & { starttls?: boolean }): Promise<SmtpListener> {
  installDataScan();
  const { cfg, log } = ctx;
  const starttls = ctx.starttls === true;
  let closing = false;
  const conns = trackConnections({ db: ctx.db, log, bus: ctx.bus, controlPollMs: ctx.controlPollMs ?? 2000 });
  const hooks = submissionHooks(ctx, conns, () => closing);
  // 587: AUTH neither advertised nor accepted before STARTTLS (RFC 4954 §4: PLAIN and LOGIN
  // only under TLS); smtp-server lets a session's disabledCommands replace the server's.
  const cleartext = starttls
    ? {
        onConnect(session: SMTPServerSession, cb: (err?: Error | null) => void) {
          (session as SMTPServerSession & { disabledCommands?: string[] }).disabledCommands = ['AUTH'];
          hooks.onConnect(session, cb);
        },
        onSecure(_socket: unknown, session: SMTPServerSession, cb: (err?: Error | null) => void) {
          (session as SMTPServerSession & { disabledCommands?: string[] }).disabledCommands = [];
          cb();
        },
      }
    : {};

  const server = new SMTPServer({
    secure: !starttls,
    key: ctx.tls.key,
    cert: ctx.tls.cert,
    ...tlsPosture(cfg),
    name: cfg.hostname,
    banner: 'gospochta ESMTP submission',
    size: cfg.smtp.maxMessageBytes,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: false,
    // On 587: no AUTH before STARTTLS (smtp-server answers 538 5.7.11 Must issue a STARTTLS command first).
    allowInsecureAuth: false,
    disabledCommands: starttls ? [] : ['STARTTLS'],
    maxClients: cfg.smtp.maxClients,
    socketTimeout: cfg.smtp.socketTimeoutMs,
    closeTimeout: cfg.smtp.shutdownGraceMs,
    logger: false,
    ...hooks,
    ...cleartext,
  });
  conns.attach(server);
  const port = await listenSmtp(server, { port: ctx.port ?? cfg.smtp.port, host: ctx.host ?? cfg.bind, log, onFail: () => conns.stop() });
  log.info({ port }, starttls ? 'SMTP submission listening (STARTTLS)' : 'SMTP submission listening (implicit TLS)');

  return listenerHandle(server, { port, conns, hostname: cfg.hostname, onClose: () => (closing = true) });
}
