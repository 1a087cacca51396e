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

  it('locks the mailbox after 5 failures and the address after 20', async () => {
    for (let i = 0; i < 5; i++) expect((await auth.authenticate(req('Wrong-Password-1'))).ok).toBe(false);
    expect(await auth.authenticate(req(PW))).toMatchObject({ ok: false, reason: 'locked' });
    // Another address of the network is not locked by the mailbox's lock… but the mailbox is.
    expect(await auth.authenticate(req(PW, '198.51.100.7'))).toMatchObject({ ok: false, reason: 'locked' });
    const other = { address: 'nobody@example.org', protocol: 'smtp' as const, remote: '203.0.113.9' };
    for (let i = 0; i < 20; i++) await auth.authenticate({ ...other, password: 'x' + i });
    expect(await auth.authenticate({ ...other, address, password: PW })).toMatchObject({ ok: false, reason: 'locked' });
    const locks = env.db.prepare('SELECT kind, key FROM lockouts ORDER BY kind').all() as Array<{ kind: string; key: string }>;
    expect(locks).toEqual([{ kind: 'ip', key: '203.0.113.9' }, { kind: 'mailbox', key: address }]);
    const journal = env.db.prepare(`SELECT count(*) AS n FROM audit_events WHERE action = 'lockout'`).get() as { n: number };
    expect(journal.n).toBe(2);
  });
});
