/**
 * Other expiry, run by the same scheduler as the retention purge: confirmation
 * codes past their validity, send-limit events older than 24 hours, login
 * failures older than the lockout window and ended lockouts, the login journal
 * past the retention period, the data of deleted mailboxes (their rows stay, so an
 * address is never issued again), and the audit journal past `retention.auditDays`
 * (the message purge never touches it).
 */
import type { Db } from '../store/db.js';
import type { Config } from '../config/schema.js';
import { DAY_MS } from './retention.js';
import { removeMailboxContent } from '../store/mailboxes.js';

export interface ExpiryReport {
  codes: number;
  sendEvents: number;
  authFailures: number;
  lockouts: number;
  logins: number;
  auditEvents: number;
  deletedMailboxes: number;
}

export function runExpiry(db: Db, cfg: Config, now = Date.now()): ExpiryReport {
  const run = (sql: string, ...args: unknown[]) => db.prepare(sql).run(...args).changes;
  const r: ExpiryReport = {
    codes: run('DELETE FROM confirmation_codes WHERE expires_at < ?', now),
    sendEvents: run('DELETE FROM send_events WHERE at < ?', now - DAY_MS),
    authFailures: run('DELETE FROM auth_failures WHERE at < ?', now - cfg.auth.windowMinutes * 60_000),
    lockouts: run('DELETE FROM lockouts WHERE until < ?', now),
    logins: run('DELETE FROM logins WHERE at < ?', now - cfg.retention.days * DAY_MS),
    auditEvents: run('DELETE FROM audit_events WHERE at < ?', now - cfg.retention.auditDays * DAY_MS),
    deletedMailboxes: 0,
  };
  const leftovers = db
    .prepare(`SELECT DISTINCT x.id FROM mailboxes x JOIN folders f ON f.mailbox_id = x.id WHERE x.status = 'deleted'`)
    .all() as Array<{ id: number }>;
  for (const m of leftovers) {
    db.transaction(() => removeMailboxContent(db, m.id)).immediate();
    r.deletedMailboxes++;
  }
  return r;
}
