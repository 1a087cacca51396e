/**
 * send_events, which the daily rule sums at every RCPT (policy/daily-limit.ts):
 * the sum of a mailbox's last 24 hours is read from the index alone (migration 18),
 * and counts only that mailbox and that window.
 */
import { describe, expect, it } from 'vitest';
import { insertSend, recipientsSince } from '../../src/store/sends.js';
import { useStore } from './helpers.js';

const fx = useStore();

describe('send_events', () => {
  it('sums a mailbox\'s recipients since a moment from the index alone', () => {
    const now = Date.now();
    for (let i = 0; i < 50; i++) insertSend(fx.db, { mailboxId: fx.mailboxId, at: now - i * 60_000, recipients: 2 });
    expect(recipientsSince(fx.db, { mailboxId: fx.mailboxId, since: now - 10.5 * 60_000 })).toBe(22);
    expect(recipientsSince(fx.db, { mailboxId: fx.mailboxId + 1, since: 0 })).toBe(0);
    const plan = fx.db
      .prepare('EXPLAIN QUERY PLAN SELECT coalesce(sum(recipients), 0) AS n FROM send_events WHERE mailbox_id = ? AND at > ?')
      .all(fx.mailboxId, 0) as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join('; ')).toMatch(/USING COVERING INDEX send_events_recipients/);
  });
});
