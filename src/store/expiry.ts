/**
 * Rows past their time, deleted by the expiry job (policy/expiry.ts decides the
 * cut-offs): confirmation and two-factor codes, send events, login failures, lockouts, the login
 * journal, the audit journal; and the mailboxes deleted but still holding folders.
 */
import { cached, type Db } from './db.js';
import { tx } from './tx.js';
import { removeMailboxContent } from './mailboxes.js';

/** Cut-offs in ms: rows older than each are deleted. */
export interface ExpiryCutoffs {
  codesExpiredBefore: number;
  sendEventsBefore: number;
  authFailuresBefore: number;
  lockoutsEndedBefore: number;
  loginsBefore: number;
  auditEventsBefore: number;
}

export interface ExpiredRows {
  codes: number;
  sendEvents: number;
  authFailures: number;
  lockouts: number;
  logins: number;
  auditEvents: number;
}

export function deleteExpiredRows(db: Db, c: ExpiryCutoffs): ExpiredRows {
  const run = (sql: string, before: number) => cached(db, sql).run(before).changes;
  return {
    // Confirmation codes and the codes that turn two-factor protection on.
    codes:
      run('DELETE FROM confirmation_codes WHERE expires_at < ?', c.codesExpiredBefore) +
      run('DELETE FROM two_factor_codes WHERE expires_at < ?', c.codesExpiredBefore),
    sendEvents: run('DELETE FROM send_events WHERE at < ?', c.sendEventsBefore),
    authFailures: run('DELETE FROM auth_failures WHERE at < ?', c.authFailuresBefore),
    lockouts: run('DELETE FROM lockouts WHERE until < ?', c.lockoutsEndedBefore),
    logins: run('DELETE FROM logins WHERE at < ?', c.loginsBefore),
    auditEvents: run('DELETE FROM audit_events WHERE at < ?', c.auditEventsBefore),
  };
}

/** Deleted mailboxes that still have folders (their content not yet removed). */
export function deletedMailboxesWithContent(db: Db): number[] {
  const rows = cached(db, `SELECT DISTINCT x.id FROM mailboxes x JOIN folders f ON f.mailbox_id = x.id WHERE x.status = 'deleted'`).all() as Array<{ id: number }>;
  return rows.map((r) => r.id);
}

/** Remove the folders and messages of a mailbox in one IMMEDIATE transaction. */
export function removeMailboxContentNow(db: Db, mailboxId: number): void {
  tx(db, removeMailboxContent)(db, mailboxId);
}
