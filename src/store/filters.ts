/**
 * The rows behind forwarding and filters: a mailbox's forwarding (`forwards`), its
 * Sieve scripts (`sieve_scripts`, at most one active), the vacation replies it has
 * sent (`vacation_replies`), and the server's SRS secret (`server_secrets`).
 */
import { cached, type Db } from './db.js';

export interface ForwardRow {
  targets: string[];
  keep: boolean;
  updatedAt: number;
}

export function getForward(db: Db, mailboxId: number): ForwardRow | undefined {
  const r = cached(db, 'SELECT targets, keep, updated_at FROM forwards WHERE mailbox_id = ?').get(mailboxId) as
    | { targets: string; keep: number; updated_at: number }
    | undefined;
  return r ? { targets: JSON.parse(r.targets) as string[], keep: r.keep === 1, updatedAt: r.updated_at } : undefined;
}

export function setForward(db: Db, o: { mailboxId: number; targets: string[]; keep: boolean; at: number }): void {
  cached(db, `INSERT INTO forwards (mailbox_id, targets, keep, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (mailbox_id) DO UPDATE SET targets = excluded.targets, keep = excluded.keep, updated_at = excluded.updated_at`).run(
    o.mailboxId,
    JSON.stringify(o.targets),
    o.keep ? 1 : 0,
    o.at,
  );
}

/** Returns whether there was a forwarding to remove. */
export function deleteForward(db: Db, mailboxId: number): boolean {
  return cached(db, 'DELETE FROM forwards WHERE mailbox_id = ?').run(mailboxId).changes > 0;
}

export interface SieveScriptRow {
  name: string;
  content: string;
  active: boolean;
  updatedAt: number;
}

interface ScriptDbRow {
  name: string;
  content: string;
  active: number;
  updated_at: number;
}

const toScript = (r: ScriptDbRow): SieveScriptRow => ({ name: r.name, content: r.content, active: r.active === 1, updatedAt: r.updated_at });

export function listScripts(db: Db, mailboxId: number): SieveScriptRow[] {
  return (cached(db, 'SELECT name, content, active, updated_at FROM sieve_scripts WHERE mailbox_id = ? ORDER BY name').all(mailboxId) as ScriptDbRow[]).map(toScript);
}

export function getScript(db: Db, mailboxId: number, name: string): SieveScriptRow | undefined {
  const r = cached(db, 'SELECT name, content, active, updated_at FROM sieve_scripts WHERE mailbox_id = ? AND name = ?').get(mailboxId, name) as ScriptDbRow | undefined;
  return r ? toScript(r) : undefined;
}

export function activeScript(db: Db, mailboxId: number): SieveScriptRow | undefined {
  const r = cached(db, 'SELECT name, content, active, updated_at FROM sieve_scripts WHERE mailbox_id = ? AND active = 1').get(mailboxId) as ScriptDbRow | undefined;
  return r ? toScript(r) : undefined;
}

export function putScript(db: Db, o: { mailboxId: number; name: string; content: string; at: number }): void {
  cached(db, `INSERT INTO sieve_scripts (mailbox_id, name, content, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (mailbox_id, name) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at`).run(o.mailboxId, o.name, o.content, o.at);
}

/** Make `name` the active script (null: none active). Returns false when no such script. */
export function setActiveScript(db: Db, mailboxId: number, name: string | null): boolean {
  return db.transaction(() => {
    cached(db, 'UPDATE sieve_scripts SET active = 0 WHERE mailbox_id = ? AND active = 1').run(mailboxId);
    if (name === null) return true;
    return cached(db, 'UPDATE sieve_scripts SET active = 1 WHERE mailbox_id = ? AND name = ?').run(mailboxId, name).changes > 0;
  })();
}

export function renameScript(db: Db, o: { mailboxId: number; from: string; to: string; at: number }): boolean {
  return cached(db, 'UPDATE sieve_scripts SET name = ?, updated_at = ? WHERE mailbox_id = ? AND name = ?').run(o.to, o.at, o.mailboxId, o.from).changes > 0;
}

export function deleteScript(db: Db, mailboxId: number, name: string): boolean {
  return cached(db, 'DELETE FROM sieve_scripts WHERE mailbox_id = ? AND name = ?').run(mailboxId, name).changes > 0;
}

export function scriptCount(db: Db, mailboxId: number): number {
  return (cached(db, 'SELECT count(*) AS n FROM sieve_scripts WHERE mailbox_id = ?').get(mailboxId) as { n: number }).n;
}

/** When a vacation reply last went to `sender` for `handle`, ms; undefined: never. */
export function lastVacationReply(db: Db, o: { mailboxId: number; sender: string; handle: string }): number | undefined {
  const r = cached(db, 'SELECT sent_at FROM vacation_replies WHERE mailbox_id = ? AND sender = ? AND handle = ?').get(o.mailboxId, o.sender, o.handle) as
    | { sent_at: number }
    | undefined;
  return r?.sent_at;
}

export function recordVacationReply(db: Db, o: { mailboxId: number; sender: string; handle: string; at: number }): void {
  cached(db, `INSERT INTO vacation_replies (mailbox_id, sender, handle, sent_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (mailbox_id, sender, handle) DO UPDATE SET sent_at = excluded.sent_at`).run(o.mailboxId, o.sender, o.handle, o.at);
}

/** A secret made at migration (e.g. 'srs'). */
export function serverSecret(db: Db, name: string): Buffer | undefined {
  return (cached(db, 'SELECT value FROM server_secrets WHERE name = ?').get(name) as { value: Buffer } | undefined)?.value;
}
