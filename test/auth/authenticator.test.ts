/**
 * The shared authentication module: verification cache (never the password as a
 * key), invalidation on password change and block, lockout of a mailbox after 5
 * failures and of an address after 20, the login journal.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { makeEnv, person, type TestEnv } from '../identity/helpers.js';
import { createMailbox, changePassword } from '../../src/identity/mailboxes.js';
import { blockAccount } from '../../src/identity/accounts.js';
import { createAuthenticator, type Authenticator } from '../../src/identity/auth.js';
import { EventBus } from '../../src/events/bus.js';

const PW = 'Correct-Horse-42';
let env: TestEnv;
let auth: Authenticator;
let verifies = 0;
let bus: EventBus;
let accountId: number;
let address: string;

beforeEach(async () => {
  env = makeEnv({ auth: { failureDelayMs: 0 } });
  bus = new EventBus();
  env.ctx.bus = bus;
  accountId = await person(env.ctx, 'confirmed');
  address = (await createMailbox(env.ctx, accountId, 'ivanov@example.org', PW)).address;
  verifies = 0;
  auth = createAuthenticator({ db: env.db, cfg: env.cfg, bus, onVerify: () => verifies++ });
});
afterEach(() => {
  auth.close();
  env.cleanup();
});

const req = (password: string, remote = '192.0.2.1') => ({ address, password, protocol: 'imap' as const, remote, client: 'test' });

describe('authenticator', () => {
  it('caches a successful verification: the second login costs no argon2', async () => {
    expect((await auth.authenticate(req(PW))).ok).toBe(true);
    expect((await auth.authenticate(req(PW))).ok).toBe(true);
    expect(verifies).toBe(1);
    expect((await auth.authenticate(req('Wrong-Password-1'))).ok).toBe(false);
    expect(verifies).toBe(2);
    const rows = env.db.prepare('SELECT outcome FROM logins WHERE address = ? ORDER BY id').all(address) as Array<{ outcome: string }>;
    expect(rows.map((r) => r.outcome)).toEqual(['ok', 'ok', 'failed']);
  });

  it('a password change drops the cached verification at once', async () => {
    expect((await auth.authenticate(req(PW))).ok).toBe(true);
    await changePassword(env.ctx, address, 'Another-Horse-77');
    expect(await auth.authenticate(req(PW))).toMatchObject({ ok: false, reason: 'invalid' });
    expect((await auth.authenticate(req('Another-Horse-77'))).ok).toBe(true);
  });

  it('a blocked account cannot log in even with a cached verification', async () => {
    expect((await auth.authenticate(req(PW))).ok).toBe(true);
    blockAccount(env.ctx, accountId, 'test');
    expect(await auth.authenticate(req(PW))).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('locks the mailbox for the failing network only, and the client address after 20', async () => {
    for (let i = 0; i < 5; i++) expect((await auth.authenticate(req('Wrong-Password-1'))).ok).toBe(false);
    // The right password from the attacker's network is refused…
    expect(await auth.authenticate(req(PW))).toMatchObject({ ok: false, reason: 'locked' });
    expect(await auth.authenticate(req(PW, '192.0.2.200'))).toMatchObject({ ok: false, reason: 'locked' });
    // …while the owner on another network logs in.
    expect(await auth.authenticate(req(PW, '198.51.100.7'))).toMatchObject({ ok: true });
    const other = { address: 'nobody@example.org', protocol: 'smtp' as const, remote: '203.0.113.9' };
    for (let i = 0; i < 20; i++) await auth.authenticate({ ...other, password: 'x' + i });
    expect(await auth.authenticate({ ...other, address, password: PW })).toMatchObject({ ok: false, reason: 'locked' });
    const locks = env.db.prepare('SELECT kind, key FROM lockouts ORDER BY kind, key').all() as Array<{ kind: string; key: string }>;
    expect(locks).toEqual([
      { kind: 'ip', key: '203.0.113.9' },
      { kind: 'mailbox', key: `${address} 192.0.2.0/24` },
      { kind: 'mailbox', key: 'nobody@example.org 203.0.113.0/24' },
    ]);
    const journal = env.db.prepare(`SELECT count(*) AS n FROM audit_events WHERE action = 'lockout'`).get() as { n: number };
    expect(journal.n).toBe(3);
  });

  it('answers a locked mailbox exactly as a locked unknown address: same result, one verification each', async () => {
    const unknown = 'nosuchperson@example.org';
    for (let i = 0; i < 5; i++) {
      await auth.authenticate(req('Wrong-Password-1'));
      await auth.authenticate({ ...req('Wrong-Password-1'), address: unknown });
    }
    verifies = 0;
    const real = await auth.authenticate(req(PW));
    expect(verifies).toBe(1);
    const none = await auth.authenticate({ ...req(PW), address: unknown });
    expect(verifies).toBe(2);
    expect(none).toEqual(real);
    expect(real).toMatchObject({ ok: false, reason: 'locked' });
  });

  it('slows every attempt on an address failed from many networks, but never refuses the right password', async () => {
    const slow = createAuthenticator({ db: env.db, cfg: { ...env.cfg, auth: { ...env.cfg.auth, slowDownFailures: 6, slowDownMs: 300 } }, bus });
    try {
      // Six networks, one failure each: no network is locked.
      for (let n = 1; n <= 6; n++) expect(await slow.authenticate(req('Wrong-Password-1', `10.${n}.0.1`))).toMatchObject({ reason: 'invalid' });
      const started = Date.now();
      expect(await slow.authenticate(req(PW, '198.51.100.7'))).toMatchObject({ ok: true });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      slow.close();
    }
  });

  it('journals a typed user name capped and with control characters escaped', async () => {
    const typed = 'evil\r\n{"level":60}\u001b[31m' + 'x'.repeat(1000);
    await auth.authenticate({ address: typed, password: 'x', protocol: 'imap', remote: '192.0.2.9', client: 'c\nlient' });
    const row = env.db.prepare('SELECT address, client FROM logins ORDER BY id DESC LIMIT 1').get() as { address: string; client: string };
    expect(row.address).not.toMatch(/[\r\n\u001b]/);
    expect(row.address.startsWith('evil\\x0d\\x0a{"level":60}\\x1b[31m')).toBe(true);
    expect(row.address.length).toBeLessThan(300);
    expect(row.client).toBe('c\\x0alient');
    const a = env.db.prepare(`SELECT subject FROM audit_events WHERE action = 'login' ORDER BY id DESC LIMIT 1`).get() as { subject: string };
    expect(a.subject).not.toMatch(/[\r\n\u001b]/);
  });
});
