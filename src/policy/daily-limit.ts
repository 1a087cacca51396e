/**
 * The daily sending rule: each recipient of each accepted submission counts one;
 * at most `limits.dailyRecipients` in any rolling 24 hours per mailbox. The
 * refusal says when sending is possible again: the moment enough of the counted
 * recipients fall out of the 24-hour window.
 */
import type { Db } from '../store/db.js';
import type { Config } from '../config/schema.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

export type LimitCheck = { ok: true; used: number; limit: number } | { ok: false; used: number; limit: number; retryAt: Date };

interface SendRow {
  at: number;
  recipients: number;
}

type Statements = ReturnType<typeof prepare>;
const cache = new WeakMap<Db, Statements>();
function prepare(db: Db) {
  return {
    used: db.prepare<[number, number]>('SELECT coalesce(sum(recipients), 0) AS n FROM send_events WHERE mailbox_id = ? AND at > ?'),
    rows: db.prepare<[number, number]>('SELECT at, recipients FROM send_events WHERE mailbox_id = ? AND at > ? ORDER BY at'),
    insert: db.prepare<[number, number, number]>('INSERT INTO send_events (mailbox_id, at, recipients) VALUES (?, ?, ?)'),
  };
}
function statements(db: Db): Statements {
  let s = cache.get(db);
  if (!s) cache.set(db, (s = prepare(db)));
  return s;
}

/** May `adding` more recipients go now? `used` counts the last 24 hours. */
export function checkDailyLimit(db: Db, cfg: Pick<Config, 'limits'>, mailboxId: number, adding: number, now = Date.now()): LimitCheck {
  const limit = cfg.limits.dailyRecipients;
  const st = statements(db);
  const used = (st.used.get(mailboxId, now - DAY_MS) as { n: number }).n;
  if (used + adding <= limit) return { ok: true, used, limit };
  const rows = st.rows.all(mailboxId, now - DAY_MS) as SendRow[];
  // Free enough slots: walk the oldest sends until what expires covers the excess.
  let excess = used + adding - limit;
  let retry = now + DAY_MS;
  for (const r of rows) {
    excess -= r.recipients;
    if (excess <= 0) {
      retry = r.at + DAY_MS;
      break;
    }
  }
  return { ok: false, used, limit, retryAt: new Date(retry) };
}

/** Count an accepted submission (inside the delivery transaction). */
export function recordSend(db: Db, mailboxId: number, recipients: number, now = Date.now()): void {
  statements(db).insert.run(mailboxId, now, recipients);
}

/** "2026-11-22 14:05 UTC" */
export function utcMinute(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}
