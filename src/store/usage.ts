/**
 * Where a mailbox stands: sending in the last 24 hours against the daily limit,
 * the oldest message and when the retention purge will take it, the last login;
 * and the login journal.
 */
import type { Db } from './db.js';
import type { Config } from '../config/schema.js';
import { checkDailyLimit, DAY_MS } from '../policy/daily-limit.js';

export interface MailboxUsage {
  sentLast24h: number;
  dailyLimit: number;
  /** When the oldest counted recipient leaves the 24-hour window (null when none counted). */
  nextSlotFreesAt: string | null;
  oldestMessage: { storedAt: string; purgeAt: string } | null;
  lastLogin: { at: string; protocol: string; remote: string | null; client: string | null } | null;
}

export interface LoginEntry {
  at: string;
  protocol: string;
  remote: string | null;
  client: string | null;
  outcome: string;
}

export function mailboxUsage(db: Db, cfg: Config, mailboxId: number, now = Date.now()): MailboxUsage {
  const limit = checkDailyLimit(db, cfg, mailboxId, 0, now);
  const first = db
    .prepare('SELECT min(at) AS at FROM send_events WHERE mailbox_id = ? AND at > ?')
    .get(mailboxId, now - DAY_MS) as { at: number | null };
  const oldest = db
    .prepare('SELECT min(m.stored_at) AS at FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.mailbox_id = ?')
    .get(mailboxId) as { at: number | null };
  const last = db
    .prepare(`SELECT at, protocol, remote, client FROM logins WHERE mailbox_id = ? AND outcome = 'ok' ORDER BY id DESC LIMIT 1`)
    .get(mailboxId) as { at: number; protocol: string; remote: string | null; client: string | null } | undefined;
  return {
    sentLast24h: limit.used,
    dailyLimit: limit.limit,
    nextSlotFreesAt: first.at === null ? null : new Date(first.at + DAY_MS).toISOString(),
    oldestMessage: oldest.at === null ? null : { storedAt: new Date(oldest.at).toISOString(), purgeAt: new Date(oldest.at + cfg.retention.days * DAY_MS).toISOString() },
    lastLogin: last ? { at: new Date(last.at).toISOString(), protocol: last.protocol, remote: last.remote, client: last.client } : null,
  };
}

export function listLogins(db: Db, mailboxId: number, limit = 100): LoginEntry[] {
  const rows = db
    .prepare('SELECT at, protocol, remote, client, outcome FROM logins WHERE mailbox_id = ? ORDER BY id DESC LIMIT ?')
    .all(mailboxId, limit) as Array<{ at: number; protocol: string; remote: string | null; client: string | null; outcome: string }>;
  return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
}
