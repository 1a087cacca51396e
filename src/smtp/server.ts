/**
 * SMTP submission on port 465 with implicit TLS (RFC 8314 §3.3, RFC 6409): AUTH
 * PLAIN and LOGIN (RFC 4954) required before MAIL; the sending rules of the
 * service (hooks.ts); durable local delivery (submit.ts: 250 only after COMMIT
 * with synchronous=FULL, through the shared group-committing Writer); open
 * connections ended when their access is withdrawn and on shutdown
 * (connections.ts).
 */
import { SMTPServer } from 'smtp-server';
import { submissionHooks } from './hooks.js';
import { trackConnections } from './connections.js';
import type { SmtpContext, SmtpListener } from './types.js';

export type { SmtpContext, SmtpListener, SmtpUser, LocalRecipient } from './types.js';

/** Errors of a client's connection that are the client's doing, not the server's. */
const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC']);

export async function startSmtp(ctx: SmtpContext): Promise<SmtpListener> {
  const { cfg, log } = ctx;
  let closing = false;
  const conns = trackConnections({ db: ctx.db, log, bus: ctx.bus, controlPollMs: ctx.controlPollMs ?? 2000 });
  const hooks = submissionHooks(ctx, conns, () => closing);

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
    ...hooks,
  });
  conns.attach(server);

  server.on('error', (e: Error & { code?: string }) => {
    if (e.code && CLIENT_GONE.has(e.code)) log.info({ code: e.code, msg: e.message }, 'smtp: client connection error');
    else log.error({ err: e }, 'smtp listener error');
  });
  // Replies are small writes in a request/response dialogue: without TCP_NODELAY, Nagle's
  // algorithm and delayed ACKs hold each one back ~40 ms.
  server.server.on('connection', (sock: import('node:net').Socket) => sock.setNoDelay(true));

  const port = await new Promise<number>((resolve, reject) => {
    const onError = (e: Error) => {
      conns.stop();
      reject(Object.assign(e, { port: ctx.port ?? cfg.smtp.port }));
    };
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
      conns.stop();
      return conns.shutdown(graceMs, cfg.hostname);
    },
  };
}
