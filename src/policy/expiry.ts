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
import { DAY_MS, MINUTE_MS } from '../shared/time.js';
import { deleteExpiredRows, deletedMailboxesWithContent, removeMailboxContentNow, type ExpiredRows } from '../store/expiry.js';

export interface ExpiryReport extends ExpiredRows {
  deletedMailboxes: number;
}

export function runExpiry(db: Db, cfg: Config, now = Date.now()): ExpiryReport {
  const r: ExpiryReport = {
    ...deleteExpiredRows(db, {
      codesExpiredBefore: now,
      sendEventsBefore: now - DAY_MS,
      authFailuresBefore: now - cfg.auth.windowMinutes * MINUTE_MS,
      lockoutsEndedBefore: now,
      loginsBefore: now - cfg.retention.days * DAY_MS,
      auditEventsBefore: now - cfg.retention.auditDays * DAY_MS,
    }),
    deletedMailboxes: 0,
  };
  for (const id of deletedMailboxesWithContent(db)) {
    removeMailboxContentNow(db, id);
    r.deletedMailboxes++;
  }
  return r;
}
