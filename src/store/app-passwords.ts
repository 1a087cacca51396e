/**
 * App passwords of a mailbox (migration 8): name, selector, argon2id hash, when
 * created, last used (time, client network, protocol), revoked. Revoked rows stay
 * for the record. SQL only.
 */
import { cached, insertRow, type Db } from './db.js';

export interface AppPasswordRow {
  id: number;
  mailbox_id: number;
  name: string;
  selector: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
  last_used_network: string | null;
  last_used_protocol: string | null;
  revoked_at: number | null;
}

export function insertAppPassword(db: Db, p: { mailboxId: number; name: string; selector: string; hash: string; at: number }): number {
  return insertRow(db, 'INSERT INTO app_passwords (mailbox_id, name, selector, hash, created_at) VALUES (?, ?, ?, ?, ?)', p.mailboxId, p.name, p.selector, p.hash, p.at);
}

/** Active (not revoked) app passwords of a mailbox with this selector. */
export function appPasswordsBySelector(db: Db, mailboxId: number, selector: string): AppPasswordRow[] {
  return cached(db, 'SELECT * FROM app_passwords WHERE mailbox_id = ? AND selector = ? AND revoked_at IS NULL ORDER BY id').all(
    mailboxId,
    selector,
  ) as AppPasswordRow[];
}

export function getAppPassword(db: Db, id: number): AppPasswordRow | undefined {
  return cached(db, 'SELECT * FROM app_passwords WHERE id = ?').get(id) as AppPasswordRow | undefined;
}

export function activeAppPasswordByName(db: Db, mailboxId: number, name: string): AppPasswordRow | undefined {
  return cached(db, 'SELECT * FROM app_passwords WHERE mailbox_id = ? AND name = ? AND revoked_at IS NULL').get(mailboxId, name) as
    | AppPasswordRow
    | undefined;
}

/** The active app passwords of a mailbox, oldest first. */
export function listActiveAppPasswords(db: Db, mailboxId: number): AppPasswordRow[] {
  return cached(db, 'SELECT * FROM app_passwords WHERE mailbox_id = ? AND revoked_at IS NULL ORDER BY id').all(mailboxId) as AppPasswordRow[];
}

export function revokeAppPasswordRow(db: Db, id: number, at: number): void {
  cached(db, 'UPDATE app_passwords SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id);
}

export function markAppPasswordUsed(db: Db, u: { id: number; at: number; network: string; protocol: string }): void {
  cached(db, 'UPDATE app_passwords SET last_used_at = ?, last_used_network = ?, last_used_protocol = ? WHERE id = ?').run(
    u.at,
    u.network,
    u.protocol,
    u.id,
  );
}
