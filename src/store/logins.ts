/**
 * The login journal (`logins`): one row per authentication attempt of a mailbox,
 * with protocol, remote address, client name and outcome.
 */
import { cached, type Db } from './db.js';

export interface LoginEntry {
  at: string;
  protocol: string;
  remote: string | null;
  client: string | null;
  outcome: string;
}

export interface LoginPlace {
  remote: string | null;
  client: string | null;
}

export interface LastLogin extends LoginPlace {
  at: number;
  protocol: string;
}

/** The most recent logins of a mailbox, newest first. */
export function listLogins(db: Db, mailboxId: number, limit = 100): LoginEntry[] {
  const rows = cached(db, 'SELECT at, protocol, remote, client, outcome FROM logins WHERE mailbox_id = ? ORDER BY id DESC LIMIT ?').all(mailboxId, limit) as Array<
    Omit<LoginEntry, 'at'> & { at: number }
  >;
  return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
}

/** The last successful login of a mailbox. */
export function lastLogin(db: Db, mailboxId: number): LastLogin | undefined {
  return cached(db, `SELECT at, protocol, remote, client FROM logins WHERE mailbox_id = ? AND outcome = 'ok' ORDER BY id DESC LIMIT 1`).get(mailboxId) as
    | LastLogin
    | undefined;
}

/** Where a mailbox logged in successfully before the login `beforeId`, since `since` (ms). */
export function earlierLoginPlaces(db: Db, q: { mailboxId: number; beforeId: number; since: number }): LoginPlace[] {
  return cached(db, `SELECT remote, client FROM logins WHERE mailbox_id = ? AND outcome = 'ok' AND id < ? AND at >= ?`).all(
    q.mailboxId,
    q.beforeId,
    q.since,
  ) as LoginPlace[];
}
