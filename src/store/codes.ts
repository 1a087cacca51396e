/**
 * One-time confirmation codes: stored hashed, with expiry and attempts. SQL only.
 */
import { insertRow, type Db } from './db.js';

export interface CodeRow {
  id: number;
  account_id: number;
  code_hash: string;
  created_at: number;
  expires_at: number;
  attempts: number;
  used_at: number | null;
}

export function insertCode(db: Db, c: { accountId: number; codeHash: string; at: number; expiresAt: number }): number {
  return insertRow(db, 'INSERT INTO confirmation_codes (account_id, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?)', c.accountId, c.codeHash, c.at, c.expiresAt);
}

export function latestCode(db: Db, accountId: number): CodeRow | undefined {
  return db
    .prepare('SELECT * FROM confirmation_codes WHERE account_id = ? ORDER BY id DESC LIMIT 1')
    .get(accountId) as CodeRow | undefined;
}

/** Void earlier unused codes (a new one was issued): they expire now. */
export function voidCodes(db: Db, accountId: number, at: number): void {
  db.prepare('UPDATE confirmation_codes SET expires_at = min(expires_at, ?) WHERE account_id = ? AND used_at IS NULL').run(
    at,
    accountId,
  );
}

export function addCodeAttempt(db: Db, id: number): number {
  db.prepare('UPDATE confirmation_codes SET attempts = attempts + 1 WHERE id = ?').run(id);
  return (db.prepare('SELECT attempts FROM confirmation_codes WHERE id = ?').get(id) as { attempts: number }).attempts;
}

export function markCodeUsed(db: Db, id: number, at: number): void {
  db.prepare('UPDATE confirmation_codes SET used_at = ? WHERE id = ?').run(at, id);
}
