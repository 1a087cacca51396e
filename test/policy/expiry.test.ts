/**
 * The scheduler's other expiry: confirmation codes past validity, send counts older
 * than 24 hours, ended lockouts; what is still current stays.
 */
import { describe, it, expect } from 'vitest';
import { makeEnv, person } from '../identity/helpers.js';
import { createMailbox } from '../../src/identity/mailboxes.js';
import { runExpiry } from '../../src/policy/expiry.js';

describe('expiry', () => {
  it('removes expired codes, send events older than a day and ended lockouts; keeps current ones', async () => {
    const env = makeEnv();
    try {
      const now = Date.now();
      const acc = await person(env.ctx, 'confirmed');
      const mb = await createMailbox(env.ctx, acc, 'ivanov@example.org', 'Correct-Horse-42');
      const db = env.db;
      const code = db.prepare('INSERT INTO confirmation_codes (account_id, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?)');
      code.run(acc, 'old', now - 3_600_000, now - 1);
      code.run(acc, 'current', now, now + 600_000);
      const send = db.prepare('INSERT INTO send_events (mailbox_id, at, recipients) VALUES (?, ?, ?)');
      send.run(mb.id, now - 25 * 3_600_000, 3);
      send.run(mb.id, now - 23 * 3_600_000, 2);
      const lock = db.prepare('INSERT INTO lockouts (kind, key, until) VALUES (?, ?, ?)');
      lock.run('ip', '192.0.2.1', now - 1);
      lock.run('ip', '192.0.2.2', now + 60_000);
      const r = runExpiry(db, env.cfg, now);
      expect(r).toMatchObject({ codes: 1, sendEvents: 1, lockouts: 1 });
      expect(db.prepare('SELECT code_hash FROM confirmation_codes WHERE code_hash IN (?, ?)').all('old', 'current')).toEqual([{ code_hash: 'current' }]);
      expect(db.prepare('SELECT recipients FROM send_events').all()).toEqual([{ recipients: 2 }]);
      expect(db.prepare('SELECT key FROM lockouts').all()).toEqual([{ key: '192.0.2.2' }]);
    } finally {
      env.cleanup();
    }
  });
});
