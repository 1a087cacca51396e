/**
 * Starting an smtp-server listener, the same for every port: TCP_NODELAY on every
 * connection, a client's own connection errors logged at info (a reset is the
 * client's doing, not the server's), the port resolved once listening.
 */
import type { SMTPServer } from 'smtp-server';
import type { Logger } from '../shared/logger.js';
import type { Connections } from './connections.js';
import type { SmtpListener } from './types.js';

/** Errors of a client's connection that are the client's doing, not the server's. */
const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC']);

export async function listenSmtp(server: SMTPServer, o: { port: number; host: string; log: Logger; onFail?: () => void }): Promise<number> {
  const { log } = o;
  server.on('error', (e: Error & { code?: string }) => {
    if (e.code && CLIENT_GONE.has(e.code)) log.info({ code: e.code, msg: e.message }, 'smtp: client connection error');
    else log.error({ err: e }, 'smtp listener error');
  });
  // Replies are small writes in a request/response dialogue: without TCP_NODELAY, Nagle's
  // algorithm and delayed ACKs hold each one back ~40 ms.
  server.server.on('connection', (sock: import('node:net').Socket) => sock.setNoDelay(true));
  return new Promise<number>((resolve, reject) => {
    const onError = (e: Error) => {
      o.onFail?.();
      reject(Object.assign(e, { port: o.port }));
    };
    server.server.once('error', onError);
    server.listen(o.port, o.host, () => {
      server.server.off('error', onError);
      resolve((server.server.address() as { port: number }).port);
    });
  });
}

/** The handle of a listening smtp-server: certificate reload, and a graceful close (once). */
export function listenerHandle(server: SMTPServer, o: { port: number; conns: Connections; hostname: string; onClose: () => void }): SmtpListener {
  let closed = false;
  return {
    port: o.port,
    setSecureContext(opts) {
      server.updateSecureContext({ key: opts.key, cert: opts.cert, ...(opts.ticketKeys ? { ticketKeys: opts.ticketKeys } : {}) });
    },
    close(graceMs: number) {
      if (closed) return Promise.resolve();
      closed = true;
      o.onClose();
      o.conns.stop();
      return o.conns.shutdown(graceMs, o.hostname);
    },
  };
}
