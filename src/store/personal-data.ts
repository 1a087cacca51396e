/**
 * The personal data held about one person, read whole (the export a person may
 * ask for, 152-FZ art. 14) and destroyed (art. 21 §5): SQL only, rules in
 * src/identity/personal-data.ts.
 */
import { cached, type Db } from './db.js';
import type { AccountRow } from './accounts.js';

export interface PersonRecords {
  account: AccountRow & { personal_data_destroyed_at: number | null };
  consents: Record<string, unknown>[];
  confirmationCodes: Record<string, unknown>[];
  mailboxes: Record<string, unknown>[];
  logins: Record<string, unknown>[];
  audit: Record<string, unknown>[];
}

/** Everything about account `id` (no password or code hashes: they are not data about the person). */
export function personRecords(db: Db, id: number): PersonRecords | undefined {
  const account = cached(db, 'SELECT * FROM accounts WHERE id = ?').get(id) as PersonRecords['account'] | undefined;
  if (!account) return undefined;
  const mailboxes = cached(db, 'SELECT id, address, status, created_at, password_changed_at, deleted_at FROM mailboxes WHERE account_id = ? ORDER BY id').all(id) as Record<string, unknown>[];
  return {
    account,
    consents: cached(db, 'SELECT id, version, purposes, data_list, granted_at, revoked_at FROM consents WHERE account_id = ? ORDER BY id').all(id) as Record<string, unknown>[],
    confirmationCodes: cached(db, 'SELECT id, created_at, expires_at, attempts, used_at FROM confirmation_codes WHERE account_id = ? ORDER BY id').all(id) as Record<string, unknown>[],
    mailboxes,
    logins: cached(db, 'SELECT l.id, l.at, l.address, l.protocol, l.remote, l.client, l.outcome FROM logins l JOIN mailboxes m ON m.id = l.mailbox_id WHERE m.account_id = ? ORDER BY l.id').all(id) as Record<string, unknown>[],
    audit: cached(
      db,
      `SELECT id, at, actor, subject, action, outcome, remote, account_id, mailbox_id, details FROM audit_events
        WHERE account_id = ? OR mailbox_id IN (SELECT id FROM mailboxes WHERE account_id = ?) ORDER BY id`,
    ).all(id, id) as Record<string, unknown>[],
  };
}

/** Accounts whose personal data is due for destruction at `cutoff`: deleted, or without consent in force, since before it. */
export function accountsDueForDestruction(db: Db, cutoff: number): number[] {
  return cached(
    db,
    `SELECT a.id FROM accounts a
      WHERE a.personal_data_destroyed_at IS NULL
        AND ((a.status = 'deleted' AND a.updated_at <= @cutoff)
          OR (NOT EXISTS (SELECT 1 FROM consents c WHERE c.account_id = a.id AND c.revoked_at IS NULL)
              AND (SELECT max(c.revoked_at) FROM consents c WHERE c.account_id = a.id) <= @cutoff))
      ORDER BY a.id`,
  ).pluck().all({ cutoff }) as number[];
}

/**
 * Wipe the personal data of account `id` in place (the row stays, with its id, so
 * the consent history and the audit trail keep pointing at it): the fields
 * overwritten, confirmation codes and the login journal deleted, the audit rows
 * about the person reduced to time, action, outcome and the account id.
 * Run with `secure_delete` on (withSecureDelete) so freed cells are zeroed.
 */
export function wipePersonalData(db: Db, id: number, at: number): { auditRows: number; logins: number } {
  cached(
    db,
    `UPDATE accounts SET full_name = '', phone = '', birth_date = NULL, snils = NULL, inn = NULL, contact_email = NULL,
       passport_series = NULL, passport_number = NULL, passport_issued = NULL, passport_division = NULL,
       confirmed_by = NULL, confirmed_details = NULL, personal_data_destroyed_at = @at, updated_at = @at WHERE id = @id`,
  ).run({ id, at });
  cached(db, 'DELETE FROM confirmation_codes WHERE account_id = ?').run(id);
  const logins = cached(db, 'DELETE FROM logins WHERE mailbox_id IN (SELECT id FROM mailboxes WHERE account_id = ?)').run(id).changes;
  cached(db, 'DELETE FROM auth_failures WHERE address IN (SELECT address FROM mailboxes WHERE account_id = ?)').run(id);
  const auditRows = cached(
    db,
    `UPDATE audit_events SET subject = printf('account:%d', @id), actor = CASE WHEN actor LIKE 'mailbox:%' THEN printf('account:%d', @id) ELSE actor END,
       remote = NULL, details = NULL, account_id = @id
      WHERE account_id = @id OR mailbox_id IN (SELECT id FROM mailboxes WHERE account_id = @id)`,
  ).run({ id }).changes;
  return { auditRows, logins };
}

/** Run `fn` with PRAGMA secure_delete on (freed pages and cells overwritten with zeros), then as before. */
export function withSecureDelete<T>(db: Db, fn: () => T): T {
  const before = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  try {
    return fn();
  } finally {
    db.pragma(`secure_delete = ${before ? 'ON' : 'OFF'}`);
  }
}

export function isDestroyed(db: Db, id: number): boolean {
  return (cached(db, 'SELECT personal_data_destroyed_at FROM accounts WHERE id = ?').pluck().get(id) ?? null) !== null;
}
