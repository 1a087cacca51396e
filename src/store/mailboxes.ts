/**
 * Mailboxes: an address owned by an account. Rows are kept after deletion
 * (status deleted) so an address is never issued twice. SQL only.
 */
import { cached, insertRow, listRows, type Db } from './db.js';
import { releaseBlobRefs } from './blobs.js';

export type MailboxStatus = 'active' | 'blocked' | 'deleted';

export interface MailboxRow {
  id: number;
  account_id: number;
  address: string;
  local_part: string;
  domain: string;
  password_hash: string;
  status: MailboxStatus;
  created_at: number;
  password_changed_at: number;
  deleted_at: number | null;
  /** When two-factor protection was turned on; null = off (migration 8). */
  two_factor_at: number | null;
}

export function insertMailbox(
  db: Db,
  m: { accountId: number; address: string; localPart: string; domain: string; passwordHash: string; at: number },
): number {
  return insertRow(
    db,
    `INSERT INTO mailboxes (account_id, address, local_part, domain, password_hash, status, created_at, password_changed_at)
     VALUES (?, ?, ?, ?, ?, 'active', ?, ?)`,
    m.accountId,
    m.address,
    m.localPart,
    m.domain,
    m.passwordHash,
    m.at,
    m.at,
  );
}

export function getMailbox(db: Db, id: number): MailboxRow | undefined {
  return cached(db, 'SELECT * FROM mailboxes WHERE id = ?').get(id) as MailboxRow | undefined;
}

/**
 * What an access check needs of a mailbox and its account, in one statement: the
 * mailbox's status and credentials, the account's status and level, and whether a
 * consent is in force. Undefined when there is no such mailbox; the account
 * fields are null when its account row is gone.
 */
export interface MailboxStanding {
  status: MailboxStatus;
  password_hash: string;
  two_factor_at: number | null;
  account_status: string | null;
  account_level: string | null;
  consent: 0 | 1;
}

export function mailboxStanding(db: Db, id: number): MailboxStanding | undefined {
  return cached(
    db,
    `SELECT m.status, m.password_hash, m.two_factor_at, a.status AS account_status, a.level AS account_level,
            EXISTS (SELECT 1 FROM consents c WHERE c.account_id = m.account_id AND c.revoked_at IS NULL) AS consent
       FROM mailboxes m LEFT JOIN accounts a ON a.id = m.account_id
      WHERE m.id = ?`,
  ).get(id) as MailboxStanding | undefined;
}

export function getMailboxByAddress(db: Db, address: string): MailboxRow | undefined {
  return cached(db, 'SELECT * FROM mailboxes WHERE address = ?').get(address.toLowerCase()) as MailboxRow | undefined;
}

export function listMailboxes(db: Db, f: { accountId?: number; status?: MailboxStatus; limit?: number } = {}): MailboxRow[] {
  return listRows<MailboxRow>(db, 'mailboxes', [['account_id = ?', f.accountId], ['status = ?', f.status || undefined]], 'id', f.limit ?? 10000);
}

export function setMailboxPassword(db: Db, id: number, hash: string, at: number): void {
  cached(db, 'UPDATE mailboxes SET password_hash = ?, password_changed_at = ? WHERE id = ?').run(hash, at, id);
}

export function setTwoFactor(db: Db, id: number, at: number | null): void {
  cached(db, 'UPDATE mailboxes SET two_factor_at = ? WHERE id = ?').run(at, id);
}

/** Deleted: the password hash erased, and with it the app passwords and pending two-factor codes. */
export function markMailboxDeleted(db: Db, id: number, at: number): void {
  cached(db, "UPDATE mailboxes SET status = 'deleted', deleted_at = ?, password_hash = '', two_factor_at = NULL WHERE id = ?").run(at, id);
  cached(db, 'DELETE FROM app_passwords WHERE mailbox_id = ?').run(id);
  cached(db, 'DELETE FROM two_factor_codes WHERE mailbox_id = ?').run(id);
}

export interface FolderUsage {
  name: string;
  special_use: string | null;
  messages: number;
  bytes: number;
}

/** Per-folder message count and bytes of a mailbox. */
export function folderUsage(db: Db, mailboxId: number): FolderUsage[] {
  return db
    .prepare(
      `SELECT f.name, f.special_use, count(m.id) AS messages, coalesce(sum(m.size), 0) AS bytes
         FROM folders f LEFT JOIN messages m ON m.folder_id = f.id
        WHERE f.mailbox_id = ?
        GROUP BY f.id ORDER BY f.name`,
    )
    .all(mailboxId) as FolderUsage[];
}

/**
 * Remove a mailbox's content: messages (their blob references released), expunge
 * records and folders. Blobs left without references are freed by collectGarbage.
 * Returns the number of messages and bytes removed.
 */
export function removeMailboxContent(db: Db, mailboxId: number): { messages: number; bytes: number } {
  const totals = db
    .prepare(
      `SELECT count(*) AS messages, coalesce(sum(m.size), 0) AS bytes
         FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.mailbox_id = ?`,
    )
    .get(mailboxId) as { messages: number; bytes: number };
  const refs = db
    .prepare(
      `SELECT m.blob_id AS blob_id, count(*) AS n
         FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.mailbox_id = ? GROUP BY m.blob_id`,
    )
    .all(mailboxId) as Array<{ blob_id: number; n: number }>;
  for (const r of refs) releaseBlobRefs(db, r.blob_id, r.n);
  const folderIds = 'SELECT id FROM folders WHERE mailbox_id = ?';
  db.prepare(`DELETE FROM messages WHERE folder_id IN (${folderIds})`).run(mailboxId);
  db.prepare(`DELETE FROM expunged WHERE folder_id IN (${folderIds})`).run(mailboxId);
  cached(db, 'DELETE FROM folders WHERE mailbox_id = ?').run(mailboxId);
  cached(db, 'DELETE FROM subscriptions WHERE mailbox_id = ?').run(mailboxId);
  return totals;
}
