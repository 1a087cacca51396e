/**
 * The types the SMTP modules share: what the server is given, what it gives back,
 * and what one session carries after AUTH and RCPT.
 */
import type { SMTPServerSession } from 'smtp-server';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../shared/logger.js';
import type { Writer } from '../store/deliver.js';
import type { Authenticator } from '../identity/auth.js';
import type { TlsMaterial } from '../tls/certs.js';
import type { LocalRecipient } from '../identity/recipients.js';

export type { LocalRecipient };

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
  /** The outbound queue's runner, woken when a submission queued mail for other domains. */
  outbound?: { kick(): void };
  /** How often the store's control counter is polled for changes made by the CLI, ms (default 2000). */
  controlPollMs?: number;
}

export interface SmtpListener {
  port: number;
  /** Replace the certificate (SIGHUP) or the session ticket keys (src/tls/posture.ts). */
  setSecureContext(opts: { key: string | Buffer; cert: string | Buffer; ticketKeys?: Buffer }): void;
  /** Stop accepting; DATA in progress may finish within graceMs; the rest get 421. */
  close(graceMs: number): Promise<void>;
}

/** What the session carries after AUTH. */
export interface SmtpUser {
  mailboxId: number;
  address: string;
  /** The credential stamp of the login (identity/access.ts): a password change ends the session. */
  credential: string;
}

/** smtp-server's session with the user object onAuth gave it. */
export type SmtpSession = SMTPServerSession & { user?: SmtpUser | string };

export function userOf(session: SMTPServerSession): SmtpUser | undefined {
  const u = (session as SmtpSession).user;
  return u && typeof u === 'object' ? u : undefined;
}
