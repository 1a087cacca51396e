/**
 * What a POP3 command module sees: the session (state, replies, the maildrop) and
 * its own arguments. One module per command under commands/, listed in registry.ts.
 */
import type { Db } from '../store/db.js';
import type { Writer } from '../store/deliver.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import type { AuthRequest, AuthResult } from '../identity/auth.js';
import type { AccessResult } from '../identity/access.js';
import type { Maildrop } from './maildrop.js';

/** RFC 1939 §3: AUTHORIZATION until the maildrop is opened, then TRANSACTION (UPDATE happens inside QUIT). */
export type Pop3State = 'authorization' | 'transaction';

export interface Pop3Host {
  db: Db;
  writer: Writer;
  config: Config;
  hostname: string;
  authenticate(req: AuthRequest): Promise<AuthResult>;
  mailboxAccess(mailboxId: number, credential: string): AccessResult | Promise<AccessResult>;
  /** Take the maildrop of a mailbox for a session (RFC 1939 §8 exclusive access); false when another holds it. */
  lockMaildrop(mailboxId: number, session: object): boolean;
  releaseMaildrop(session: object): void;
  onClose(session: object): void;
}

export interface Pop3Context {
  readonly state: Pop3State;
  readonly host: Pop3Host;
  readonly log: Logger;
  readonly remoteAddress: string;
  /** Set in TRANSACTION. */
  readonly maildrop: Maildrop | null;
  /** The name given by USER, until PASS. */
  pendingUser: string | null;
  /** One-line replies (RFC 1939 §3): "+OK text" / "-ERR text". */
  ok(text: string): Promise<void>;
  err(text: string): Promise<void>;
  /** Raw bytes (multi-line bodies), with backpressure. */
  write(data: string | Buffer): Promise<void>;
  /** Read one more line from the client (a SASL response, RFC 5034 §4). */
  readLine(): Promise<string>;
  /** Authenticate and open the maildrop (USER/PASS and AUTH share it). */
  login(user: string, password: string): Promise<void>;
  /** Close the connection after what has been written. */
  end(): void;
}

export interface Pop3Command {
  name: string;
  states: readonly Pop3State[];
  run(ctx: Pop3Context, args: string): Promise<void>;
}
