/**
 * The daily sending rule: each recipient of each accepted submission counts one;
 * at most `limits.dailyRecipients` in any rolling 24 hours per mailbox. The
 * refusal says when sending is possible again: the moment enough of the counted
 * recipients fall out of the 24-hour window.
 */
import type { Db } from '../store/db.js';
import type { Config } from '../config/schema.js';
import { DAY_MS } from '../shared/time.js';
import { insertSend, recipientsSince, sendsSince } from '../store/sends.js';

export { DAY_MS };

export type LimitCheck = { ok: true; used: number; limit: number } | { ok: false; used: number; limit: number; retryAt: Date };

/** May `adding` more recipients go now? `used` counts the last 24 hours. */
export function checkDailyLimit(db: Db, cfg: Pick<Config, 'limits'>, mailboxId: number, adding: number, now = Date.now()): LimitCheck {
  const limit = cfg.limits.dailyRecipients;
  const window = { mailboxId, since: now - DAY_MS };
  const used = recipientsSince(db, window);
  if (used + adding <= limit) return { ok: true, used, limit };
  const rows = sendsSince(db, window);
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
  insertSend(db, { mailboxId, at: now, recipients });
}

/** "2026-11-22 14:05 UTC" */
export function utcMinute(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}
