/**
 * App passwords and two-factor protection in the shared authentication module:
 * a cached verification of the mailbox password does not outlive turning
 * protection on; an app password costs one argon2 verification (its selector
 * finds its row), then none while cached, and is gone from the cache once revoked;
 * session stamps (sessionAccess) follow the same rules; the code rules of turning
 * protection on (wrong, exhausted, expired, resend too soon).
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { makeEnv, person, type TestEnv } from '../identity/helpers.js';
import { createMailbox } from '../../src/identity/mailboxes.js';
import { createAuthenticator, type Authenticator } from '../../src/identity/auth.js';
import { sessionAccess } from '../../src/identity/access.js';
import { addAppPassword, normalizeAppPassword, revokeAppPassword } from '../../src/identity/app-passwords.js';
import { disableTwoFactor, enableTwoFactor, requestTwoFactorCode } from '../../src/identity/two-factor.js';
import type { CodeMessage, Notifier } from '../../src/identity/notifier.js';
import { GpError } from '../../src/shared/errors.js';

const PW = 'Correct-Horse-42';
let env: TestEnv;
let auth: Authenticator;
let verifies = 0;
let address: string;
let clock = Date.parse('2026-03-01T10:00:00Z');
const sent: CodeMessage[] = [];
const notifier: Notifier = { kind: 'test', send: async (m) => void sent.push(m) };

beforeEach(async () => {
  env = makeEnv({ auth: { failureDelayMs: 0 } });
  env.ctx.now = () => clock;
  env.ctx.notifier = notifier;
  const accountId = await person(env.ctx, 'confirmed');
  address = (await createMailbox(env.ctx, accountId, 'petrov@example.org', PW)).address;
  verifies = 0;
  auth = createAuthenticator({ db: env.db, cfg: env.cfg, onVerify: () => verifies++ });
});
afterEach(() => {
  auth.close();
  env.cleanup();
});

const req = (password: string) => ({ address, password, protocol: 'pop3' as const, remote: '192.0.2.1' });

async function turnOn(): Promise<void> {
  await requestTwoFactorCode(env.ctx, address);
  await enableTwoFactor(env.ctx, address, sent.at(-1)!.code);
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GpError) return e.code;
    throw e;
  }
  return 'no refusal';
}

describe('app passwords in authentication', () => {
  it('the mailbox password, even cached, is refused once two-factor protection is on; its sessions end', async () => {
    const before = await auth.authenticate(req(PW));
    expect(before.ok).toBe(true);
    await turnOn();
    expect(sent.at(-1)!.phone).toBeTruthy();
    expect(sent.at(-1)!.text).toContain(sent.at(-1)!.code);
    expect(await auth.authenticate(req(PW))).toMatchObject({ ok: false, reason: 'app-password-required', message: expect.stringMatching(/^an app password is needed/) });
    expect(before.ok && sessionAccess(env.db, before.mailboxId, before.credential)).toMatchObject({ ok: false, reason: 'two-factor protection turned on' });
    expect(await auth.authenticate(req('Wrong-Password-1'))).toMatchObject({ ok: false, reason: 'invalid' });
    await disableTwoFactor(env.ctx, address);
    expect((await auth.authenticate(req(PW))).ok).toBe(true);
  });

  it('an app password costs one verification, then none while cached; revoked, it fails and its stamp no longer holds', async () => {
    const a = await addAppPassword(env.ctx, address, 'mail on the phone');
    await addAppPassword(env.ctx, address, 'laptop');
    await turnOn();
    verifies = 0;
    const first = await auth.authenticate(req(a.password.replace(/(.{4})/g, '$1 ').trim()));
    expect(first.ok).toBe(true);
    expect(verifies).toBe(1);
    expect((await auth.authenticate(req(a.password))).ok).toBe(true);
    expect(verifies).toBe(1);
    expect(first.ok && sessionAccess(env.db, first.mailboxId, first.credential)).toEqual({ ok: true });
    revokeAppPassword(env.ctx, address, 'mail on the phone');
    expect(await auth.authenticate(req(a.password))).toMatchObject({ ok: false, reason: 'invalid' });
    expect(first.ok && sessionAccess(env.db, first.mailboxId, first.credential)).toMatchObject({ ok: false, reason: 'app password revoked' });
  });

  it('normalizes what a person types from the screen, and nothing else looks like an app password', () => {
    expect(normalizeAppPassword('ABCD efgh-2345 6723')).toBe('abcdefgh23456723');
    expect(normalizeAppPassword(PW)).toBeNull();
    expect(normalizeAppPassword('abcdefgh2345672')).toBeNull();
    expect(normalizeAppPassword('abcdefgh23456781')).toBeNull();
  });
});

describe('the code that turns two-factor protection on', () => {
  it('follows the confirmation code rules: resend wait, wrong tries, exhaustion, expiry', async () => {
    await requestTwoFactorCode(env.ctx, address);
    expect(await refusal(requestTwoFactorCode(env.ctx, address))).toBe('CODE_RESEND_TOO_SOON');
    const code = sent.at(-1)!.code;
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await refusal(enableTwoFactor(env.ctx, address, '12ab'))).toBe('INVALID_CODE');
    for (let i = 1; i < env.cfg.identity.codeMaxAttempts; i++) expect(await refusal(enableTwoFactor(env.ctx, address, wrong))).toBe('CODE_WRONG');
    expect(await refusal(enableTwoFactor(env.ctx, address, wrong))).toBe('CODE_EXHAUSTED');
    expect(await refusal(enableTwoFactor(env.ctx, address, code))).toBe('CODE_EXHAUSTED');
    clock += env.cfg.identity.codeResendSeconds * 1000;
    await requestTwoFactorCode(env.ctx, address);
    clock += env.cfg.identity.codeTtlSeconds * 1000 + 1;
    expect(await refusal(enableTwoFactor(env.ctx, address, sent.at(-1)!.code))).toBe('CODE_EXPIRED');
    await requestTwoFactorCode(env.ctx, address);
    expect((await enableTwoFactor(env.ctx, address, sent.at(-1)!.code)).twoFactor).toBe(true);
    expect(await refusal(requestTwoFactorCode(env.ctx, address))).toBe('TWO_FACTOR_ON');
  });
});
