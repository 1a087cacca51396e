/**
 * One-time codes that turn a mailbox's two-factor protection on (migration 8):
 * stored hashed, with expiry and attempts, like account confirmation codes. SQL only.
 */
import { cached, firstRow, insertRow, type Db } from './db.js';

export interface TwoFactorCodeRow {
  id: number;
  mailbox_id: number;
  code_hash: string;
  created_at: number;
  expires_at: number;
  attempts: number;
  used_at: number | null;
}

export function insertTwoFactorCode(db: Db, c: { mailboxId: number; codeHash: string; at: number; expiresAt: number }): number {
  return insertRow(db, 'INSERT INTO two_factor_codes (mailbox_id, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?)', c.mailboxId, c.codeHash, c.at, c.expiresAt);
}

export function latestTwoFactorCode(db: Db, mailboxId: number): TwoFactorCodeRow | undefined {
  return firstRow<TwoFactorCodeRow>(db, 'SELECT * FROM two_factor_codes WHERE mailbox_id = ? ORDER BY id DESC LIMIT 1', mailboxId);
}

/** Earlier unused codes expire now (a new one was issued, or protection changed). */
export function voidTwoFactorCodes(db: Db, mailboxId: number, at: number): void {
  cached(db, 'UPDATE two_factor_codes SET expires_at = min(expires_at, ?) WHERE mailbox_id = ? AND used_at IS NULL').run(at, mailboxId);
}

/** One more wrong try; returns the count. */
export function addTwoFactorCodeAttempt(db: Db, id: number): number {
  cached(db, 'UPDATE two_factor_codes SET attempts = attempts + 1 WHERE id = ?').run(id);
  return (cached(db, 'SELECT attempts FROM two_factor_codes WHERE id = ?').get(id) as { attempts: number }).attempts;
}

export function markTwoFactorCodeUsed(db: Db, id: number, at: number): void {
  cached(db, 'UPDATE two_factor_codes SET used_at = ? WHERE id = ?').run(at, id);
}
