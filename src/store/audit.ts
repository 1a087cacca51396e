/**
 * The append-only audit journal: one row per security-relevant action.
 */
import { cached, listRows, type Db } from './db.js';

export interface AuditEntry {
  actor: string;
  subject: string;
  action: string;
  outcome?: 'ok' | 'refused' | 'failed';
  remote?: string | null;
  accountId?: number | null;
  mailboxId?: number | null;
  details?: Record<string, unknown> | null;
  at?: number;
}

export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  subject: string;
  action: string;
  outcome: string;
  remote: string | null;
  account_id: number | null;
  mailbox_id: number | null;
  details: string | null;
}

export function audit(db: Db, e: AuditEntry): void {
  cached(
    db,
    `INSERT INTO audit_events (at, actor, subject, action, outcome, remote, account_id, mailbox_id, details)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    e.at ?? Date.now(),
    e.actor,
    e.subject,
    e.action,
    e.outcome ?? 'ok',
    e.remote ?? null,
    e.accountId ?? null,
    e.mailboxId ?? null,
    e.details ? JSON.stringify(e.details) : null,
  );
}

export interface AuditFilter {
  accountId?: number;
  mailboxId?: number;
  since?: number;
  action?: string;
  limit?: number;
}

export function listAudit(db: Db, f: AuditFilter = {}): AuditRow[] {
  const conditions: Array<[string, unknown]> = [
    ['account_id = ?', f.accountId],
    ['mailbox_id = ?', f.mailboxId],
    ['at >= ?', f.since],
    ['action LIKE ?', f.action],
  ];
  return listRows<AuditRow>(db, 'audit_events', conditions, 'id DESC', f.limit ?? 1000);
}
