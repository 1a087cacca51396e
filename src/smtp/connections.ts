/**
 * The open SMTP connections of a listener (smtp-server's own `connections` set,
 * public in its typings): ending the ones whose mailbox may no longer be used,
 * and the graceful shutdown.
 *
 * - Access: an `access` event on the bus (block, deletion, consent revoked,
 *   password change in this process) or a moved control counter (the same done by
 *   the CLI in another process) re-checks every authenticated connection against
 *   identity (sessionAccess: the account and mailbox may be used, and the password
 *   is still the one the session logged in with); those that fail are told
 *   `421 4.7.0` and closed. The hooks also re-check at MAIL, RCPT and DATA, so
 *   nothing depends on the timing of these signals.
 * - Shutdown: listening stops at once; connections not in DATA are told 421 and
 *   closed; a DATA transfer may finish within the grace time (RFC 5321 §3.8).
 *   Not SMTPServer.close(): that one destroys sockets still in their TLS
 *   handshake, which can crash Node; here a late handshake gets 421 in onConnect.
 */
import type { SMTPServer } from 'smtp-server';
import type { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import type { Db } from '../store/db.js';
import type { Logger } from '../shared/logger.js';
import type { EventBus } from '../events/bus.js';
import { sessionAccess } from '../identity/access.js';
import { watchControl } from '../events/control-watch.js';
import { userOf } from './types.js';
import { R } from './replies.js';

export interface Connections {
  /** The listener whose connections these are (set once, right after it is made). */
  attach(server: SMTPServer): void;
  /** End one connection with a 421 reply (after the reply being written). */
  end(sessionId: string, text: string): void;
  /** Stop listening; wait for DATA in progress up to graceMs; 421 to the rest. */
  shutdown(graceMs: number, hostname: string): Promise<void>;
  /** Sessions in DATA: they may finish during a graceful shutdown. */
  readonly inData: Set<string>;
  stop(): void;
}

function bye(c: SMTPConnection, text: string): void {
  try {
    c.send(421, text);
    c.close();
  } catch {
    /* already gone */
  }
}

export function trackConnections(o: { db: Db; log: Logger; bus: EventBus; controlPollMs: number }): Connections {
  const { db, log } = o;
  let server: SMTPServer | undefined;
  let conns: ReadonlySet<SMTPConnection> = new Set();
  const inData = new Set<string>();

  const recheck = (only?: number): void => {
    for (const c of [...conns]) {
      const user = userOf(c.session);
      if (!user || (only !== undefined && user.mailboxId !== only)) continue;
      let ok = false;
      try {
        ok = sessionAccess(db, user.mailboxId, user.credential).ok;
      } catch (err) {
        log.error({ err, sid: c.id }, 'smtp: access re-check failed');
        continue;
      }
      if (!ok) {
        log.info({ sid: c.id, address: user.address }, 'smtp: session ended, access withdrawn');
        bye(c, R.accessWithdrawn().message);
      }
    }
  };
  const unsubscribe = o.bus.subscribe((ev) => {
    if (ev.type === 'access') recheck(ev.mailboxId);
  });
  const unwatch = watchControl(db, log, o.controlPollMs, () => recheck());

  return {
    inData,
    attach(s) {
      server = s;
      conns = s.connections;
    },
    end(sessionId, text) {
      for (const c of conns) if (c.id === sessionId) setImmediate(() => bye(c, text));
    },
    shutdown(graceMs, hostname) {
      const text = `${hostname} Server shutting down, try again later`;
      server?.server.close();
      for (const c of conns) if (!inData.has(c.id)) bye(c, text);
      return new Promise<void>((resolve) => {
        const started = Date.now();
        const check = setInterval(() => {
          for (const c of conns) if (!inData.has(c.id)) bye(c, text);
          if (conns.size === 0 || Date.now() - started > graceMs) {
            for (const c of conns) bye(c, text);
            clearInterval(check);
            resolve();
          }
        }, 50);
      });
    },
    stop() {
      unsubscribe();
      unwatch();
    },
  };
}
