/**
 * Where a mailbox stands: sending in the last 24 hours against the daily limit,
 * the oldest message and when the retention purge will take it, the last login.
 */
import { cached, type Db } from './db.js';
import type { Config } from '../config/schema.js';
import { DAY_MS } from '../shared/time.js';
import { firstSendSince, recipientsSince } from './sends.js';
import { lastLogin } from './logins.js';

export interface MailboxUsage {
  sentLast24h: number;
  dailyLimit: number;
  /** When the oldest counted recipient leaves the 24-hour window (null when none counted). */
  nextSlotFreesAt: string | null;
  oldestMessage: { storedAt: string; purgeAt: string } | null;
  lastLogin: { at: string; protocol: string; remote: string | null; client: string | null } | null;
}

/** When the oldest message of a mailbox was stored (ms), or null when it has none. */
export function oldestStoredAt(db: Db, mailboxId: number): number | null {
  const r = cached(db, 'SELECT min(m.stored_at) AS at FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.mailbox_id = ?').get(mailboxId) as {
    at: number | null;
  };
  return r.at;
}

export function mailboxUsage(db: Db, cfg: Pick<Config, 'limits' | 'retention'>, mailboxId: number, now = Date.now()): MailboxUsage {
  const window = { mailboxId, since: now - DAY_MS };
  const first = firstSendSince(db, window);
  const oldest = oldestStoredAt(db, mailboxId);
  const last = lastLogin(db, mailboxId);
  return {
    sentLast24h: recipientsSince(db, window),
    dailyLimit: cfg.limits.dailyRecipients,
    nextSlotFreesAt: first === null ? null : new Date(first + DAY_MS).toISOString(),
    oldestMessage: oldest === null ? null : { storedAt: new Date(oldest).toISOString(), purgeAt: new Date(oldest + cfg.retention.days * DAY_MS).toISOString() },
    lastLogin: last ? { at: new Date(last.at).toISOString(), protocol: last.protocol, remote: last.remote, client: last.client } : null,
  };
}
