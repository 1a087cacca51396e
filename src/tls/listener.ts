/**
 * A TLS listener of sessions, as IMAP (993) and POP3 (995) run one: the TLS
 * posture, the admission of a connection (refused while shutting down or past
 * `maxConnections`, with the protocol's own words), a hard cap on sockets, the
 * connection metrics, the `<protocol>: listening` / `closed` log lines, and a
 * shutdown that stops accepting, says goodbye to every session and waits for
 * the server to close.
 */
import tls, { type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../shared/logger.js';
import { metrics, METRIC } from '../shared/metrics.js';
import { reloadedContext, tlsPosture, type ListenerKeys } from './posture.js';

export interface SessionListenerSpec<S> {
  /** The metrics label and the prefix of every log line ('imap', 'pop3'). */
  protocol: string;
  cfg: { tls: { minVersion: 'TLSv1.2' | 'TLSv1.3' } };
  keys: ListenerKeys;
  port: number;
  host: string;
  log: Logger;
  /** Sessions above this get `refusals.busy`; sockets far above it are closed outright. */
  maxConnections: number;
  /** The whole line a refused connection gets, CRLF included. */
  refusals: { closing: string; busy: string };
  /** The session of an admitted socket. */
  open(socket: TLSSocket): S;
  /** The session listed and counted: its greeting, its run. */
  start(session: S, socket: TLSSocket): void;
  /** The goodbye to one session at shutdown. */
  farewell(session: S): Promise<unknown>;
}

export interface SessionListener<S> {
  port: number;
  readonly sessions: Set<S>;
  setSecureContext(keys: ListenerKeys): void;
  /** A session that has ended: no longer listed, no longer counted open. */
  forget(session: S): void;
  /** Once: `stop` (the caller's watches), no new connections, every session's farewell, the server closed. */
  close(stop: () => void): Promise<void>;
}

export async function startSessionListener<S>(spec: SessionListenerSpec<S>): Promise<SessionListener<S>> {
  const { protocol, log } = spec;
  const sessions = new Set<S>();
  let closing = false;
  const server = tls.createServer({ key: spec.keys.key, cert: spec.keys.cert, ...tlsPosture(spec.cfg), handshakeTimeout: 30_000 }, (socket) => {
    if (closing) return void socket.end(spec.refusals.closing);
    if (sessions.size >= spec.maxConnections) {
      log.warn({ remote: socket.remoteAddress }, `${protocol}: too many connections`);
      return void socket.end(spec.refusals.busy);
    }
    const session = spec.open(socket);
    sessions.add(session);
    metrics.inc(METRIC.connections, { protocol });
    metrics.add(METRIC.openConnections, 1, { protocol });
    spec.start(session, socket);
  });
  // Hard cap on sockets (including TLS handshakes in progress); above maxConnections
  // sessions are refused in words, far above it the socket is just closed.
  server.maxConnections = spec.maxConnections + 100;
  server.on('tlsClientError', (err, socket) => log.debug({ err: err.message, remote: socket.remoteAddress }, `${protocol}: TLS handshake failed`));
  server.on('error', (err) => log.error({ err }, `${protocol}: server error`));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(spec.port, spec.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port }, `${protocol}: listening`);

  return {
    port,
    sessions,
    setSecureContext(keys) {
      server.setSecureContext(reloadedContext(spec.cfg, keys));
    },
    forget(session) {
      if (sessions.delete(session)) metrics.add(METRIC.openConnections, -1, { protocol });
    },
    async close(stop) {
      if (closing) return;
      closing = true;
      stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...sessions].map((s) => spec.farewell(s)));
      await closed;
      log.info(`${protocol}: closed`);
    },
  };
}
