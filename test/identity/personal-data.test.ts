/**
 * 152-FZ: the export of everything held about a person, and the destruction of
 * their personal data after consent revocation or deletion, once
 * identity.personalDataDays have passed: fields wiped in the database file (not
 * flagged), the audit trail kept without personal data, one audit row for the
 * destruction; a new consent withdraws a revocation only before it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { makeEnv, person, GOOD_PASSWORD, type TestEnv } from './helpers.js';
import { deleteAccount, grantConsent, revokeConsent } from '../../src/identity/accounts.js';
import { createMailbox } from '../../src/identity/mailboxes.js';
import { destroyDuePersonalData, exportPersonalData } from '../../src/identity/personal-data.js';
import { listAudit } from '../../src/store/audit.js';
import { dbPath } from '../../src/store/db.js';
import { checkpoint } from '../../src/store/maintenance.js';
import { applyKey, findKey } from '../../src/store/key.js';
import Database from 'better-sqlite3';
import { bin, ensureBuilt } from '../cli/helpers.js';

const DAY = 86_400_000;
const PERSONAL = ['Иванов Иван Иванович', '+79123456789', '112-233-445 95', '4510', '123456', '770-001', 'ivanov@example.org', 'Петрова'];

let env: TestEnv;
beforeEach(() => {
  env = makeEnv();
});
afterEach(() => env.cleanup());

/**
 * Every text value of every row about the account and its audit trail, joined. The
 * retired mailbox addresses stay (in `mailboxes` only: an address is never reissued).
 */
function heldAbout(id: number): string {
  const x = exportPersonalData({ ...env.ctx, actor: 'operator:probe' }, id);
  return JSON.stringify({ ...x, mailboxes: x.mailboxes.map((m) => ({ ...m, address: '(retired address)' })), audit: x.audit.filter((a) => a.action !== 'account.export') });
}

/** The plaintext of the whole database file, decrypted into memory-only pages (what a thief with the key would read). */
function fileText(): string {
  checkpoint(env.db, 'TRUNCATE');
  const copy = `${dbPath(env.cfg.dataDir)}.plain`;
  env.db.prepare('VACUUM INTO ?').run(copy);
  const p = new Database(copy);
  applyKey(p, findKey(env.cfg.dataDir)!);
  p.pragma("rekey = ''");
  p.close();
  return readFileSync(copy).toString('utf8');
}

describe('account export (152-FZ art. 14)', () => {
  it('holds the fields, consents, confirmations, mailboxes and audit rows of the person', async () => {
    const id = await person(env.ctx, 'confirmed');
    await createMailbox(env.ctx, id, 'ivanov@example.org', GOOD_PASSWORD);
    const x = exportPersonalData(env.ctx, id);
    expect(x.account).toMatchObject({ id, full_name: 'Иванов Иван Иванович', snils: '112-233-445 95', passport_number: '123456' });
    expect(x.consents).toHaveLength(1);
    expect(x.consents[0]).toMatchObject({ revoked_at: null, purposes: expect.any(Array) });
    expect(x.mailboxes.map((m) => m.address)).toEqual(['ivanov@example.org']);
    expect(x.mailboxes[0]).not.toHaveProperty('password_hash');
    expect(x.audit.map((a) => a.action)).toEqual(expect.arrayContaining(['account.register', 'account.confirm', 'mailbox.create']));
    expect(x.destructionDue).toBeNull();
    expect(listAudit(env.db, { accountId: id }).some((a) => a.action === 'account.export')).toBe(true);
  });

  it('is printed by `gospochta account export ID` as JSON', async () => {
    ensureBuilt();
    const id = await person(env.ctx, 'standard');
    env.db.close();
    const r = spawnSync(process.execPath, [bin, 'account', 'export', String(id), '--json'], {
      env: { PATH: process.env.PATH, GOSPOCHTA_DATA_DIR: env.cfg.dataDir, GOSPOCHTA_DOMAINS: 'example.org', GOSPOCHTA_OPERATOR: 'Оператор', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const x = JSON.parse(r.stdout) as { account: { snils: string }; consents: unknown[] };
    expect(x.account.snils).toBe('112-233-445 95');
    expect(x.consents).toHaveLength(1);
    env = { ...env, db: (await import('../../src/store/db.js')).openDb(env.cfg.dataDir) };
  });
});

describe('destruction of personal data (152-FZ art. 21 §5)', () => {
  it('after revocation: nothing before the period, then fields wiped, audit trail without personal data, one destruction row', async () => {
    const id = await person(env.ctx, 'confirmed');
    await createMailbox(env.ctx, id, 'ivanov@example.org', GOOD_PASSWORD);
    const other = await person(env.ctx, 'confirmed', '123-456-789 64');
    revokeConsent(env.ctx, id);
    env.clock.now += 29 * DAY;
    expect(destroyDuePersonalData(env.ctx).accounts).toEqual([]);
    expect(heldAbout(id)).toContain('112-233-445 95');

    env.clock.now += 2 * DAY;
    const r = destroyDuePersonalData({ ...env.ctx, actor: 'system' });
    expect(r.accounts).toEqual([id]);
    const held = heldAbout(id);
    for (const p of PERSONAL) expect(held, p).not.toContain(p);
    const trail = listAudit(env.db, { accountId: id });
    expect(trail.map((a) => a.action)).toEqual(expect.arrayContaining(['account.register', 'account.confirm', 'account.consent.revoke', 'mailbox.create']));
    expect(trail.filter((a) => a.action === 'account.personal_data.destroy')).toHaveLength(1);
    for (const a of trail) expect(a.subject).toBe(`account:${id}`);
    // Gone from the file's pages too (secure_delete), while the other person's data stays.
    const text = fileText();
    expect(text).toContain('123-456-789 64');
    expect(text).not.toContain('112-233-445 95');
    expect(text).not.toContain('passport 4510 123456 ');
    expect(exportPersonalData(env.ctx, other).account.snils).toBe('123-456-789 64');
    // A second run destroys nothing more.
    expect(destroyDuePersonalData(env.ctx).accounts).toEqual([]);
  });

  it('a new consent before destruction withdraws the revocation; after it, refused', async () => {
    const kept = await person(env.ctx, 'standard');
    revokeConsent(env.ctx, kept);
    env.clock.now += 10 * DAY;
    grantConsent(env.ctx, kept);
    env.clock.now += 30 * DAY;
    expect(destroyDuePersonalData(env.ctx).accounts).toEqual([]);
    expect(exportPersonalData(env.ctx, kept).account.snils).toBe('112-233-445 95');

    revokeConsent(env.ctx, kept);
    env.clock.now += 31 * DAY;
    expect(destroyDuePersonalData(env.ctx).accounts).toEqual([kept]);
    expect(() => grantConsent(env.ctx, kept)).toThrow(expect.objectContaining({ code: 'PERSONAL_DATA_DESTROYED' }));
  });

  it('after account deletion, within identity.personalDataDays', async () => {
    env.cleanup();
    env = makeEnv({ identity: { personalDataDays: 7 } });
    const id = await person(env.ctx, 'confirmed');
    deleteAccount(env.ctx, id, 'asked by the person');
    expect(heldAbout(id)).toContain('Иванов Иван Иванович');
    env.clock.now += 8 * DAY;
    expect(destroyDuePersonalData(env.ctx).accounts).toEqual([id]);
    expect(heldAbout(id)).not.toContain('Иванов');
    expect(heldAbout(id)).not.toContain('+79123456789');
  });
});
