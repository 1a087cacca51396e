/**
 * Identity accounts: SQL only. Rules live in src/identity/.
 */
import { firstRow, insertRow, listRows, type Db } from './db.js';

export type AccountLevel = 'simplified' | 'standard' | 'confirmed';
export type AccountStatus = 'active' | 'blocked' | 'deleted';
export type ConfirmMethod = 'code' | 'in-person' | 'certificate';

export interface AccountRow {
  id: number;
  full_name: string;
  birth_date: string | null;
  snils: string | null;
  inn: string | null;
  phone: string;
  contact_email: string | null;
  passport_series: string | null;
  passport_number: string | null;
  passport_issued: string | null;
  passport_division: string | null;
  level: AccountLevel;
  status: AccountStatus;
  confirmed_method: ConfirmMethod | null;
  confirmed_at: number | null;
  confirmed_by: string | null;
  confirmed_details: string | null;
  created_at: number;
  updated_at: number;
  /** When the personal data was destroyed (152-FZ), or null. */
  personal_data_destroyed_at: number | null;
}

export interface NewAccount {
  fullName: string;
  phone: string;
  birthDate?: string | null;
  contactEmail?: string | null;
  at: number;
}

export function insertAccount(db: Db, a: NewAccount): number {
  return insertRow(
    db,
    `INSERT INTO accounts (full_name, phone, birth_date, contact_email, level, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'simplified', 'active', ?, ?)`,
    a.fullName,
    a.phone,
    a.birthDate ?? null,
    a.contactEmail ?? null,
    a.at,
    a.at,
  );
}

export function getAccount(db: Db, id: number): AccountRow | undefined {
  return firstRow<AccountRow>(db, 'SELECT * FROM accounts WHERE id = ?', id);
}

export function findAccountBySnils(db: Db, snils: string): AccountRow | undefined {
  return firstRow<AccountRow>(db, 'SELECT * FROM accounts WHERE snils = ?', snils);
}

export interface AccountFilter {
  status?: AccountStatus;
  level?: AccountLevel;
  limit?: number;
}

export function listAccounts(db: Db, f: AccountFilter = {}): AccountRow[] {
  return listRows<AccountRow>(db, 'accounts', [['status = ?', f.status || undefined], ['level = ?', f.level || undefined]], 'id', f.limit ?? 1000);
}

/** Columns an update may set (never id/created_at). */
export type AccountPatch = Partial<
  Pick<
    AccountRow,
    | 'full_name' | 'birth_date' | 'snils' | 'inn' | 'phone' | 'contact_email' | 'passport_series' | 'passport_number'
    | 'passport_issued' | 'passport_division' | 'level' | 'status' | 'confirmed_method' | 'confirmed_at'
    | 'confirmed_by' | 'confirmed_details'
  >
>;

const PATCHABLE = new Set<string>([
  'full_name', 'birth_date', 'snils', 'inn', 'phone', 'contact_email', 'passport_series', 'passport_number',
  'passport_issued', 'passport_division', 'level', 'status', 'confirmed_method', 'confirmed_at', 'confirmed_by',
  'confirmed_details',
]);

export function updateAccount(db: Db, id: number, patch: AccountPatch, at: number): void {
  const keys = Object.keys(patch).filter((k) => PATCHABLE.has(k));
  if (!keys.length) return;
  const sets = keys.map((k) => `${k} = ?`).join(', ');
  const vals = keys.map((k) => (patch as Record<string, unknown>)[k] ?? null);
  db.prepare(`UPDATE accounts SET ${sets}, updated_at = ? WHERE id = ?`).run(...vals, at, id);
}
