/**
 * Consent records to the processing of personal data: versioned, revocable. SQL only.
 */
import { cached, firstRow, insertRow, type Db } from './db.js';

export interface ConsentRow {
  id: number;
  account_id: number;
  version: string;
  purposes: string;
  data_list: string;
  granted_at: number;
  revoked_at: number | null;
}

export function insertConsent(
  db: Db,
  c: { accountId: number; version: string; purposes: string[]; dataList: string[]; at: number },
): number {
  return insertRow(
    db,
    'INSERT INTO consents (account_id, version, purposes, data_list, granted_at) VALUES (?, ?, ?, ?, ?)',
    c.accountId,
    c.version,
    JSON.stringify(c.purposes),
    JSON.stringify(c.dataList),
    c.at,
  );
}

/** The consent in force: the latest one not revoked. */
export function activeConsent(db: Db, accountId: number): ConsentRow | undefined {
  return firstRow<ConsentRow>(db, 'SELECT * FROM consents WHERE account_id = ? AND revoked_at IS NULL ORDER BY id DESC LIMIT 1', accountId);
}

/** Revoke every consent in force; returns how many were revoked. */
export function revokeConsents(db: Db, accountId: number, at: number): number {
  return cached(db, 'UPDATE consents SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL').run(at, accountId).changes;
}
