/**
 * The POP3 listener: RFC 1939 over implicit TLS on 995 (RFC 8314 §3.3; RFC 2595
 * §2 names 995 "pop3s"), INBOX only. TLS 1.2+, a total connection limit, the
 * greeting (§4), one session per maildrop in this process (§8: exclusive access;
 * a second gets -ERR [IN-USE], RFC 2449 §8.1.2), and the watch that ends sessions
 * whose access is gone within seconds: `access` events on the bus and the store's
 * control counter (changes made by the CLI in another process), each a re-check
 * of the session's credential (identity/access.ts `sessionAccess`).
 */
import { reloadedContext, tlsPosture, type ListenerKeys } from '../tls/posture.js';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import type { Writer } from '../store/deliver.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../shared/logger.js';
import type { AuthRequest, AuthResult } from '../identity/auth.js';
import { sessionAccess } from '../identity/access.js';
import { watchControl } from '../events/control-watch.js';
import { metrics, METRIC } from '../shared/metrics.js';
import { Pop3Session } from './session.js';
import type { Pop3Host } from './types.js';

export interface Pop3ServerContext {
  config: Config;
  db: Db;
  bus: EventBus;
  writer: Writer;
  log: Logger;
  tls: { key: string | Buffer; cert: string | Buffer };
  authenticate(req: AuthRequest): Promise<AuthResult>;
  /** Port to listen on; defaults to config.pop3.port (0 = ephemeral here: the caller decides whether to start it). */
  port?: number;
  host?: string;
  /** How often the control counter is polled, ms. */
  controlPollMs: number;
}

export interface Pop3Server {
  port: number;
  setSecureContext(opts: { key: string | Buffer; cert: string | Buffer }): void;
  readonly sessions: ReadonlySet<Pop3Session>;
  close(): Promise<void>;
}

export async function startPop3(ctx: Pop3ServerContext): Promise<Pop3Server> {
  const { config, db, log } = ctx;
  const sessions = new Set<Pop3Session>();
  const holders = new Map<number, object>();
  let closing = false;

  const host: Pop3Host = {
    db,
    writer: ctx.writer,
    config,
    hostname: config.hostname,
    authenticate: (req) => ctx.authenticate(req),
    mailboxAccess: (id, credential) => sessionAccess(db, id, credential),
    lockMaildrop(mailboxId, session) {
      const held = holders.get(mailboxId);
      if (held && held !== session) return false;
      holders.set(mailboxId, session);
      return true;
    },
    releaseMaildrop(session) {
      for (const [id, s] of holders) if (s === session) holders.delete(id);
    },
    onClose(session) {
      if (sessions.delete(session as Pop3Session)) metrics.add(METRIC.openConnections, -1, { protocol: 'pop3' });
    },
  };

  const server = tls.createServer({ key: ctx.tls.key, cert: ctx.tls.cert, ...tlsPosture(config), handshakeTimeout: 30_000 }, (socket) => {
    if (closing) return void socket.end('-ERR [SYS/TEMP] Server shutting down\r\n');
    if (sessions.size >= config.pop3.maxConnections) {
      log.warn({ remote: socket.remoteAddress }, 'pop3: too many connections');
      return void socket.end('-ERR [SYS/TEMP] Too many connections, try again later\r\n');
    }
    const session = new Pop3Session(socket, host, log);
    sessions.add(session);
    metrics.inc(METRIC.connections, { protocol: 'pop3' });
    metrics.add(METRIC.openConnections, 1, { protocol: 'pop3' });
    void session.ok(`${config.hostname} gospochta POP3 ready`);
  });
  server.maxConnections = config.pop3.maxConnections + 100;
  server.on('tlsClientError', (err, socket) => log.debug({ err: err.message, remote: socket.remoteAddress }, 'pop3: TLS handshake failed'));
  server.on('error', (err) => log.error({ err }, 'pop3: server error'));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(ctx.port ?? config.pop3.port, ctx.host ?? config.bind, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port }, 'pop3: listening');

  const recheck = (only?: number) => {
    for (const s of [...sessions]) {
      if (only !== undefined && s.mailboxId !== only) continue;
      s.recheckAccess().catch((err: unknown) => s.log.error({ err }, 'pop3: access re-check failed'));
    }
  };
  const unsubscribe = ctx.bus.subscribe((ev) => {
    if (ev.type === 'access') recheck(ev.mailboxId);
  });
  const unwatch = watchControl(db, log, ctx.controlPollMs, () => recheck());

  return {
    port,
    sessions,
    setSecureContext(opts: ListenerKeys) {
      server.setSecureContext(reloadedContext(config, opts));
    },
    async close() {
      if (closing) return;
      closing = true;
      unwatch();
      unsubscribe();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // No UPDATE state for a session the server ends (RFC 1939 §6): nothing is deleted.
      await Promise.all([...sessions].map((s) => s.finish('-ERR [SYS/TEMP] Server shutting down; nothing was deleted\r\n')));
      await closed;
      log.info('pop3: closed');
    },
  };
}
