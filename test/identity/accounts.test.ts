import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GpError } from '../../src/shared/errors.js';
import { controlCounter } from '../../src/store/db.js';
import { listAudit } from '../../src/store/audit.js';
import { EventBus, type ChangeEvent } from '../../src/events/bus.js';
import {
  blockAccount, deleteAccount, grantConsent, registerAccount, revokeConsent, setDocuments, showAccount, unblockAccount,
} from '../../src/identity/accounts.js';
import { mailboxAccess } from '../../src/identity/access.js';
import { createMailbox, changePassword, deleteMailbox, showMailbox } from '../../src/identity/mailboxes.js';
import { verifyPassword } from '../../src/identity/passwords.js';
import { GOOD_PASSWORD, makeEnv, person, PERSON, SNILS, type TestEnv } from './helpers.js';

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<GpError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof GpError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

let env: TestEnv;
beforeEach(() => {
  env = makeEnv();
});
afterEach(() => env.cleanup());

describe('registration and documents', () => {
  it('register → simplified with a consent record; documents → standard', () => {
    const a = registerAccount(env.ctx, { ...PERSON, birthDate: '15.03.1980', email: 'ivan@example.net' });
    expect(a).toMatchObject({ level: 'simplified', status: 'active', phone: '+79123456789', birthDate: '15.03.1980' });
    expect(a.consent?.version).toBe(env.cfg.identity.consentVersion);
    expect(a.consent?.purposes.length).toBeGreaterThan(0);
    expect(a.consent?.dataList).toContain('SNILS');
    const d = setDocuments(env.ctx, a.id, { snils: '11223344595', passport: '4510 123456', inn: '500100732259' });
    expect(d).toMatchObject({ level: 'standard', snils: SNILS, inn: '500100732259', passport: { series: '4510', number: '123456' } });
    const actions = listAudit(env.db, { accountId: a.id }).map((r) => r.action);
    expect(actions).toEqual(['account.documents', 'account.register']);
  });

  it('refuses registration without consent', async () => {
    expect((await refusal(() => registerAccount(env.ctx, { ...PERSON, consent: false }))).code).toBe('CONSENT_REQUIRED');
  });

  it('SNILS only or passport only keeps the account simplified', () => {
    const a = registerAccount(env.ctx, PERSON);
    expect(setDocuments(env.ctx, a.id, { snils: SNILS }).level).toBe('simplified');
    expect(setDocuments(env.ctx, a.id, { passport: '4510 123456' }).level).toBe('standard');
  });

  it('a SNILS belongs to one account only', async () => {
    await person(env.ctx, 'standard');
    const b = registerAccount(env.ctx, { ...PERSON, name: 'Петров Пётр' });
    const e = await refusal(() => setDocuments(env.ctx, b.id, { snils: '112 233 445 95', passport: '4510 654321' }));
    expect(e.code).toBe('SNILS_TAKEN');
    expect(showAccount(env.db, b.id).snils).toBeNull();
  });

  it('an invalid document is refused naming the field and nothing is stored', async () => {
    const a = registerAccount(env.ctx, PERSON);
    const e = await refusal(() => setDocuments(env.ctx, a.id, { snils: SNILS, passport: '4510 123456', passportDivision: '770 001' }));
    expect(e.field).toBe('passport_division');
    expect(showAccount(env.db, a.id).level).toBe('simplified');
  });

  it('changing the SNILS or passport of a confirmed account drops it to standard and ends access', async () => {
    const id = await person(env.ctx, 'confirmed');
    const mb = await createMailbox(env.ctx, id, 'ivanov@example.org', GOOD_PASSWORD);
    expect(mailboxAccess(env.db, mb.id)).toEqual({ ok: true });
    expect(setDocuments(env.ctx, id, { passport: '4520 999999' }).level).toBe('standard');
    expect(mailboxAccess(env.db, mb.id)).toMatchObject({ ok: false });
  });
});

describe('mailbox creation needs a confirmed, active account', () => {
  it.each(['simplified', 'standard'] as const)('refused for a %s account, saying the level', async (level) => {
    const id = await person(env.ctx, level);
    const e = await refusal(createMailbox(env.ctx, id, 'ivanov@example.org', GOOD_PASSWORD));
    expect(e.code).toBe('ACCOUNT_NOT_CONFIRMED');
    expect(e.message).toContain(`level ${level}`);
    const row = listAudit(env.db, { accountId: id, action: 'mailbox.create' })[0]!;
    expect(row.outcome).toBe('refused');
  });

  it('refused for a blocked account and after consent is revoked', async () => {
    const id = await person(env.ctx, 'confirmed');
    blockAccount(env.ctx, id, 'test');
    const e = await refusal(createMailbox(env.ctx, id, 'ivanov@example.org', GOOD_PASSWORD));
    expect(e.code).toBe('ACCOUNT_NOT_ACTIVE');
    expect(e.message).toContain('blocked');
    expect(e.message).toContain('level confirmed');
    unblockAccount(env.ctx, id);
    revokeConsent(env.ctx, id);
    expect((await refusal(createMailbox(env.ctx, id, 'ivanov@example.org', GOOD_PASSWORD))).code).toBe('CONSENT_REVOKED');
  });

  it('creates with default folders, argon2id hash with the configured parameters; address never issued twice', async () => {
    const id = await person(env.ctx, 'confirmed');
    const mb = await createMailbox(env.ctx, id, 'Ivan.Ivanov@Example.org', GOOD_PASSWORD);
    expect(mb.address).toBe('ivan.ivanov@example.org');
    const row = env.db.prepare('SELECT password_hash FROM mailboxes WHERE id = ?').get(mb.id) as { password_hash: string };
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(row.password_hash, GOOD_PASSWORD)).toBe(true);
    const folders = showMailbox(env.db, mb.address).folders.map((f) => [f.name, f.specialUse]);
    expect(folders).toEqual(expect.arrayContaining([['INBOX', null], ['Sent', '\\Sent'], ['Drafts', '\\Drafts'], ['Trash', '\\Trash'], ['Junk', '\\Junk'], ['Archive', '\\Archive']]));
    expect((await refusal(createMailbox(env.ctx, id, 'ivan.ivanov@example.org', GOOD_PASSWORD))).code).toBe('ADDRESS_TAKEN');
    deleteMailbox(env.ctx, mb.address);
    const other = await person(env.ctx, 'confirmed', '123-456-789 64');
    expect((await refusal(createMailbox(env.ctx, other, 'IVAN.IVANOV@example.org', GOOD_PASSWORD))).code).toBe('ADDRESS_TAKEN');
  });

  it('refuses weak passwords and bad addresses', async () => {
    const id = await person(env.ctx, 'confirmed');
    expect((await refusal(createMailbox(env.ctx, id, 'ivanov@example.org', 'Ivanov2024x'))).details?.rule).toBe('local_part');
    expect((await refusal(createMailbox(env.ctx, id, 'postmaster@example.org', GOOD_PASSWORD))).details?.rule).toBe('reserved');
    expect((await refusal(createMailbox(env.ctx, id, 'ivanov@elsewhere.org', GOOD_PASSWORD))).details?.rule).toBe('domain');
  });
});

describe('block, unblock, delete, consent revoke end access at once', () => {
  it('each one refuses mailboxAccess, bumps the control counter and publishes access events', async () => {
    const bus = new EventBus();
    const events: ChangeEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const ctx = { ...env.ctx, bus };
    const id = await person(ctx, 'confirmed');
    const mb = await createMailbox(ctx, id, 'ivanov@example.org', GOOD_PASSWORD);
    expect(mailboxAccess(env.db, mb.id)).toEqual({ ok: true });

    let c = controlCounter(env.db);
    blockAccount(ctx, id);
    expect(mailboxAccess(env.db, mb.id)).toEqual({ ok: false, reason: 'account blocked' });
    expect(controlCounter(env.db)).toBeGreaterThan(c);
    expect(events).toContainEqual({ type: 'access', mailboxId: mb.id, reason: 'account blocked' });

    unblockAccount(ctx, id);
    expect(mailboxAccess(env.db, mb.id)).toEqual({ ok: true });

    c = controlCounter(env.db);
    await changePassword(ctx, mb.address, 'Nw8$tLp3@xQe');
    expect(controlCounter(env.db)).toBeGreaterThan(c);
    expect(events).toContainEqual({ type: 'access', mailboxId: mb.id, reason: 'password changed' });

    revokeConsent(ctx, id);
    expect(mailboxAccess(env.db, mb.id)).toMatchObject({ ok: false, reason: expect.stringContaining('consent') });
    expect((await refusal(() => revokeConsent(ctx, id))).code).toBe('CONSENT_NOT_IN_FORCE');
    expect(grantConsent(ctx, id).consent?.version).toBe(env.cfg.identity.consentVersion);
    expect(mailboxAccess(env.db, mb.id)).toEqual({ ok: true });
    expect((await refusal(() => grantConsent(ctx, id))).code).toBe('CONSENT_IN_FORCE');
    revokeConsent(ctx, id);

    const del = deleteAccount(ctx, id, 'moved away');
    expect(del.removedMailboxes).toEqual([mb.address]);
    expect(mailboxAccess(env.db, mb.id)).toEqual({ ok: false, reason: 'mailbox deleted' });
    expect(showAccount(env.db, id)).toMatchObject({ status: 'deleted', snils: null, passport: null });
    expect(events).toContainEqual({ type: 'access', mailboxId: mb.id, reason: 'account deleted' });
    // SNILS is free again for a new registration of the same person.
    expect((await person(ctx, 'standard')) > id).toBe(true);

    const actions = listAudit(env.db, { accountId: id }).map((r) => r.action);
    for (const a of ['account.block', 'account.unblock', 'account.consent.revoke', 'account.consent.grant', 'account.delete', 'mailbox.delete', 'mailbox.passwd', 'mailbox.create']) {
      expect(actions).toContain(a);
    }
  });
});

describe('mailbox delete removes content and frees blobs', () => {
  function addMessage(mailboxId: number, folder: string, uid: number, blobId: number, size: number): void {
    const f = env.db.prepare('SELECT id FROM folders WHERE mailbox_id = ? AND name = ?').get(mailboxId, folder) as { id: number };
    env.db.prepare(
      'INSERT INTO messages (folder_id, uid, blob_id, size, internal_date, stored_at, modseq) VALUES (?, ?, ?, ?, ?, ?, 1)',
    ).run(f.id, uid, blobId, size, Date.now(), Date.now());
  }
  function addBlob(sha: string, refs: number): number {
    const id = Number(env.db.prepare(
      "INSERT INTO blobs (sha256, size, refcount, chunk_size, parsed, created_at) VALUES (?, 10, ?, 131072, '{}', ?)",
    ).run(sha, refs, Date.now()).lastInsertRowid);
    env.db.prepare('INSERT INTO blob_chunks (blob_id, seq, data) VALUES (?, 0, ?)').run(id, Buffer.from('0123456789'));
    env.db.prepare('INSERT INTO blob_search (blob_id) VALUES (?)').run(id);
    return id;
  }

  it('shared blobs keep their other references; unreferenced ones are freed with chunks and search rows', async () => {
    const a = await person(env.ctx, 'confirmed');
    const b = await person(env.ctx, 'confirmed', '123-456-789 64');
    const ma = await createMailbox(env.ctx, a, 'ivanov@example.org', GOOD_PASSWORD);
    const mb = await createMailbox(env.ctx, b, 'petrov@example.org', GOOD_PASSWORD);
    const own = addBlob('a'.repeat(64), 2); // two copies in mailbox a
    const shared = addBlob('b'.repeat(64), 2); // one in a, one in b
    const last = addBlob('c'.repeat(64), 1); // highest id, in b: keeps the id sequence
    addMessage(ma.id, 'INBOX', 1, own, 10);
    addMessage(ma.id, 'Archive', 1, own, 10);
    addMessage(ma.id, 'INBOX', 2, shared, 10);
    addMessage(mb.id, 'INBOX', 1, shared, 10);
    addMessage(mb.id, 'INBOX', 2, last, 10);
    expect(showMailbox(env.db, ma.address)).toMatchObject({ messages: 3, bytes: 30 });

    const r = deleteMailbox(env.ctx, ma.address);
    expect(r.removed).toEqual({ messages: 3, bytes: 30, blobs: 1 });
    expect(r.status).toBe('deleted');
    const blobs = env.db.prepare('SELECT id, refcount FROM blobs ORDER BY id').all();
    expect(blobs).toEqual([{ id: shared, refcount: 1 }, { id: last, refcount: 1 }]);
    expect(env.db.prepare('SELECT count(*) AS n FROM blob_chunks WHERE blob_id = ?').get(own)).toEqual({ n: 0 });
    expect(env.db.prepare('SELECT count(*) AS n FROM blob_search WHERE blob_id = ?').get(own)).toEqual({ n: 0 });
    expect(showMailbox(env.db, ma.address)).toMatchObject({ messages: 0, folders: [] });
    expect(showMailbox(env.db, mb.address)).toMatchObject({ messages: 2 });
    expect((await refusal(() => deleteMailbox(env.ctx, ma.address))).code).toBe('MAILBOX_DELETED');
  });
});
