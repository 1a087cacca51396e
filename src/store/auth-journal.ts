/**
 * What authentication remembers: failed attempts (`auth_failures`), lockouts
 * (`lockouts`, kind 'mailbox' keyed "address network", kind 'ip' keyed by the
 * client address) and the login journal (`logins`). Policy lives in
 * identity/auth.ts; this module only reads and writes the rows.
 */
import { cached, insertRow, type Db } from './db.js';

export type LockKind = 'mailbox' | 'ip';

export function isLocked(db: Db, kind: LockKind, key: string, at: number): boolean {
  return cached(db, 'SELECT 1 FROM lockouts WHERE kind = ? AND key = ? AND until > ?').get(kind, key, at) !== undefined;
}

export function setLock(db: Db, o: { kind: LockKind; key: string; until: number }): void {
  cached(db, 'INSERT INTO lockouts (kind, key, until) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET until = excluded.until').run(
    o.kind,
    o.key,
    o.until,
  );
}

export function recordAuthFailure(db: Db, o: { at: number; address: string; ip: string }): void {
  cached(db, 'INSERT INTO auth_failures (at, address, ip) VALUES (?, ?, ?)').run(o.at, o.address, o.ip);
}

/** Client addresses of the failures on one address since `since`, newest first, at most `limit`. */
export function failureAddresses(db: Db, o: { address: string; since: number; limit: number }): string[] {
  const rows = cached(db, 'SELECT ip FROM auth_failures WHERE address = ? AND at > ? ORDER BY at DESC LIMIT ?').all(o.address, o.since, o.limit) as Array<{ ip: string | null }>;
  return rows.map((r) => r.ip ?? '');
}

export function countFailuresFromIp(db: Db, o: { ip: string; since: number }): number {
  return (cached(db, 'SELECT count(*) AS n FROM auth_failures WHERE ip = ? AND at > ?').get(o.ip, o.since) as { n: number }).n;
}

export interface LoginRecord {
  at: number;
  mailboxId: number | null;
  address: string;
  protocol: string;
  remote: string;
  client: string | null;
  outcome: 'ok' | 'failed' | 'locked';
}

/** One row of the login journal; returns its id. */
export function journalLogin(db: Db, r: LoginRecord): number {
  return insertRow(
    db,
    'INSERT INTO logins (at, mailbox_id, address, protocol, remote, client, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)',
    r.at,
    r.mailboxId,
    r.address,
    r.protocol,
    r.remote,
    r.client,
    r.outcome,
  );
}

export function passwordHashOf(db: Db, mailboxId: number): string | undefined {
  return (cached(db, 'SELECT password_hash FROM mailboxes WHERE id = ?').get(mailboxId) as { password_hash: string } | undefined)?.password_hash;
}
