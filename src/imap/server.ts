/**
 * The IMAP listener (RFC 3501 §2.1 over implicit TLS, RFC 8314 §3.3): TLS 1.2+,
 * connection limits (total and per mailbox), the greeting (§7.1.1 with
 * [CAPABILITY]), autologout timeouts (§5.4), graceful shutdown (`* BYE`), and the
 * watch that ends the sessions of blocked or deleted mailboxes within seconds
 * (`access` events on the bus, and the store's control counter for changes made by
 * the CLI in another process).
 */
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import { watchControl } from '../events/control-watch.js';
import { listUids } from '../store/messages.js';
import { getFolderById } from '../store/folders.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../shared/logger.js';
import { Writer } from '../store/deliver.js';
import { writerQuota } from '../policy/quota.js';
import { join } from 'node:path';
import { Session, type SessionHost } from './session.js';
import { SpoolArea, MemoryGate } from './literal-spool.js';
import { capabilities } from './capabilities.js';
import {
  defaultAuthenticate,
  defaultMailboxAccess,
  type AuthenticateFn,
  type MailboxAccessFn,
} from './auth-adapter.js';
import { startSessionListener } from '../tls/listener.js';

export interface ImapServerContext {
  config: Config;
  db: Db;
  bus: EventBus;
  log: Logger;
  /** PEM key and certificate (chain); replace later with `setSecureContext`. */
  tls: { key: string | Buffer; cert: string | Buffer };
  /** Defaults to an identity/auth.ts authenticator of this server's own. */
  authenticate?: AuthenticateFn;
  /** Defaults to identity/access.ts `mailboxAccess`. */
  mailboxAccess?: MailboxAccessFn;
  /** The process-wide group-committing writer; one is created if absent. */
  writer?: Writer;
  /** Port to listen on; defaults to config.imap.port (0 = ephemeral). */
  port?: number;
  host?: string;
  /** How often the control counter is polled, ms (default 2000). */
  controlPollMs?: number;
}

export interface ImapServer {
  port: number;
  /** Replace the certificate (SIGHUP); new connections use it. */
  setSecureContext(opts: { key: string | Buffer; cert: string | Buffer; ticketKeys?: Buffer }): void;
  /** Open sessions (for tests and the health command). */
  readonly sessions: ReadonlySet<Session>;
  /** `* BYE Server shutting down` to every session, stop listening. */
  close(): Promise<void>;
}

export async function startImap(ctx: ImapServerContext): Promise<ImapServer> {
  const { config, db, log } = ctx;
  const cfg = config.imap;
  const maxLiteralBytes = cfg.maxLiteralBytes ?? config.smtp.maxMessageBytes;
  const perMailbox = new Map<number, Set<Session>>();
  const host = sessionHost(ctx, maxLiteralBytes, perMailbox, (session) => listener.forget(session));

  const greeting = `* OK [CAPABILITY ${capabilities(false, maxLiteralBytes).join(' ')}] ${config.hostname} gospochta IMAP4rev1 ready\r\n`;

  const listener = await startSessionListener<Session>({
    protocol: 'imap',
    cfg: config,
    keys: ctx.tls,
    port: ctx.port ?? cfg.port,
    host: ctx.host ?? config.bind,
    log,
    maxConnections: cfg.maxConnections,
    refusals: { closing: '* BYE Server shutting down\r\n', busy: '* BYE Too many connections, try again later\r\n' },
    open: (socket) => new Session(socket, host),
    start(session, socket) {
      session.log.debug({ remote: session.remoteAddress }, 'imap connection');
      socket.write(greeting);
      void session.run();
    },
    farewell: (s) => s.bye('Server shutting down').catch(() => undefined),
  });
  const { port, sessions } = listener;

  // Blocked/deleted mailboxes: bus events (same process) and the control counter (CLI).
  const unsubscribe = ctx.bus.subscribe((ev) => {
    if (ev.type !== 'access') return;
    const set = perMailbox.get(ev.mailboxId);
    // Re-checked rather than ended: revoking one app password ends only the sessions logged in with it.
    if (set) for (const s of [...set]) s.recheckAccess().catch((err: unknown) => s.log.error({ err }, 'access re-check failed'));
  });
  const unwatch = watchControl(db, log, ctx.controlPollMs ?? 2000, () => {
    for (const s of [...sessions]) {
      s.recheckAccess().catch((err: unknown) => s.log.error({ err }, 'access re-check failed'));
    }
    resyncSelected(db, ctx.bus, sessions, log);
  });

  return {
    port,
    sessions,
    setSecureContext: (opts) => listener.setSecureContext(opts),
    close: () =>
      listener.close(() => {
        unwatch();
        unsubscribe();
      }),
  };
}

/**
 * Messages removed by another process (a CLI purge or mailbox deletion) never pass
 * this process's bus: compare every selected view with the store and announce what
 * is gone as an expunge, which sessions report like any other (RFC 3501 §7.4.1).
 */
function resyncSelected(db: Db, bus: EventBus, sessions: ReadonlySet<Session>, log: Logger): void {
  const views = new Map<number, Set<number>>();
  for (const s of sessions) {
    const v = s.selected;
    if (!v) continue;
    let known = views.get(v.folderId);
    if (!known) views.set(v.folderId, (known = new Set()));
    for (const u of v.uids) known.add(u);
  }
  try {
    for (const [folderId, known] of views) {
      const present = new Set(listUids(db, folderId));
      const gone = [...known].filter((u) => !present.has(u)).sort((a, b) => a - b);
      if (!gone.length) continue;
      const modseq = (getFolderById(db, folderId)?.highestmodseq ?? 0);
      bus.publish({ type: 'expunge', folderId, uids: gone, modseq });
    }
  } catch (err) {
    log.error({ err }, 'imap: re-sync of selected folders failed');
  }
}

/** What every session of this listener shares: services, the literal spool, login and the per-mailbox connection limit. */
function sessionHost(ctx: ImapServerContext, maxLiteralBytes: number, perMailbox: Map<number, Set<Session>>, forget: (s: Session) => void): SessionHost {
  const { config, db, log } = ctx;
  const cfg = config.imap;
  const spool = new SpoolArea(join(config.dataDir, 'tmp'), {
    spoolAbove: cfg.literalSpoolBytes,
    maxBytes: cfg.spoolBytes,
    maxBytesPerUser: cfg.spoolBytesPerUser,
  });
  const appendMemory = new MemoryGate(cfg.appendMemoryBytes);
  return {
    services: { db, bus: ctx.bus, config, log, writer: ctx.writer ?? fallbackWriter(db, ctx.bus, config, log), maxLiteralBytes, appendMemory },
    spool,
    hostname: config.hostname,
    authenticate: ctx.authenticate ?? defaultAuthenticate({ db, cfg: config, log, bus: ctx.bus }),
    mailboxAccess: ctx.mailboxAccess ?? defaultMailboxAccess(db),
    maxLiteralBytes,
    onLogin(session, mailboxId) {
      let set = perMailbox.get(mailboxId);
      if (!set) perMailbox.set(mailboxId, (set = new Set()));
      if (set.size >= cfg.maxConnectionsPerUser) return false;
      set.add(session);
      return true;
    },
    onClose(session) {
      forget(session);
      for (const [id, set] of perMailbox) {
        if (set.delete(session) && set.size === 0) perMailbox.delete(id);
      }
    },
  };
}

/** A listener started without the process's writer (tests, tools) gets its own, with the same quota rule. */
function fallbackWriter(db: Db, bus: EventBus, cfg: Config, log: Logger): Writer {
  const writer: Writer = new Writer(db, bus, { quota: writerQuota({ cfg, log, writer: () => writer }) });
  return writer;
}
