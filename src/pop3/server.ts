/**
 * The POP3 listener: RFC 1939 over implicit TLS on 995 (RFC 8314 §3.3; RFC 2595
 * §2 names 995 "pop3s"), INBOX only. TLS 1.2+, a total connection limit, the
 * greeting (§4), one session per maildrop in this process (§8: exclusive access;
 * a second gets -ERR [IN-USE], RFC 2449 §8.1.2), and the watch that ends sessions
 * whose access is gone within seconds: `access` events on the bus and the store's
 * control counter (changes made by the CLI in another process), each a re-check
 * of the session's credential (identity/access.ts `sessionAccess`).
 */
import type { ListenerKeys } from '../tls/posture.js';
import { startSessionListener } from '../tls/listener.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import type { Writer } from '../store/deliver.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../shared/logger.js';
import type { AuthRequest, AuthResult } from '../identity/auth.js';
import { sessionAccess } from '../identity/access.js';
import { watchControl } from '../events/control-watch.js';
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
  const holders = new Map<number, object>();

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
      listener.forget(session as Pop3Session);
    },
  };

  const listener = await startSessionListener<Pop3Session>({
    protocol: 'pop3',
    cfg: config,
    keys: ctx.tls,
    port: ctx.port ?? config.pop3.port,
    host: ctx.host ?? config.bind,
    log,
    maxConnections: config.pop3.maxConnections,
    refusals: { closing: '-ERR [SYS/TEMP] Server shutting down\r\n', busy: '-ERR [SYS/TEMP] Too many connections, try again later\r\n' },
    open: (socket) => new Pop3Session(socket, host, log),
    start: (session) => void session.ok(`${config.hostname} gospochta POP3 ready`),
    // No UPDATE state for a session the server ends (RFC 1939 §6): nothing is deleted.
    farewell: (s) => s.finish('-ERR [SYS/TEMP] Server shutting down; nothing was deleted\r\n'),
  });
  const { port, sessions } = listener;

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
    setSecureContext: (opts: ListenerKeys) => listener.setSecureContext(opts),
    close: () =>
      listener.close(() => {
        unwatch();
        unsubscribe();
      }),
  };
}
