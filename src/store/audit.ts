/**
 * The append-only audit journal: one row per security-relevant action.
 */
import { cached, type Db } from './db.js';

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
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.accountId !== undefined) (where.push('account_id = ?'), args.push(f.accountId));
  if (f.mailboxId !== undefined) (where.push('mailbox_id = ?'), args.push(f.mailboxId));
  if (f.since !== undefined) (where.push('at >= ?'), args.push(f.since));
  if (f.action !== undefined) (where.push('action LIKE ?'), args.push(f.action));
  const sql = `SELECT * FROM audit_events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
  args.push(f.limit ?? 1000);
  return db.prepare(sql).all(...args) as AuditRow[];
}
