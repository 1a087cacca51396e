import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabaseFile } from '../../src/store/key.js';
import { ensureBuilt, makeCli, type Cli } from './helpers.js';
import { makeCa, makeLeaf, pem } from '../identity/certs.js';

const PW = 'Vk7#pQ2m!zR9';

beforeAll(() => ensureBuilt());

function register(cli: Cli, extra: string[] = []): number {
  const r = cli.run(['account', 'register', '--name', 'Иванов Иван Иванович', '--phone', '+7 (912) 345-67-89', '--consent', '--json', ...extra]);
  expect(r.status, r.stderr).toBe(0);
  return r.json.id as number;
}

function documents(cli: Cli, id: number, snils = '112-233-445 95'): void {
  const r = cli.run(['account', 'documents', String(id), '--snils', snils, '--passport', '4510 123456', '--passport-issued', '01.02.2015', '--passport-division', '770-001', '--json']);
  expect(r.status, r.stderr).toBe(0);
  expect(r.json.level).toBe('standard');
}

function expectRefusal(r: ReturnType<Cli['run']>, code: string): void {
  expect(r.status).toBe(1);
  expect(r.json.error).toBe(code);
  expect(r.stderr).toMatch(/^gospochta: .+\n$/);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
}

describe('gospochta CLI', () => {
  it('--help works and names the command groups', () => {
    const r = makeCli().run(['--help']);
    expect(r.status).toBe(0);
    for (const g of ['account', 'mailbox', 'audit']) expect(r.stdout).toContain(g);
  });

  it('full flow with --json: register → documents → code → mailbox → audit', () => {
    const cli = makeCli();
    const id = register(cli, ['--birth-date', '15.03.1980']);

    // a mailbox is refused before confirmation, saying the level
    const early = cli.run(['mailbox', 'create', String(id), '--address', 'ivanov@example.org', '--password-stdin', '--json'], PW + '\n');
    expectRefusal(early, 'ACCOUNT_NOT_CONFIRMED');
    expect(early.stderr).toContain('level simplified');

    documents(cli, id);
    const sent = cli.run(['account', 'confirm', String(id), '--method', 'code', '--json']);
    expect(sent.status, sent.stderr).toBe(0);
    expect(sent.json).toMatchObject({ accountId: id, sentVia: 'outbox', status: 'code_sent' });
    const line = JSON.parse(readFileSync(join(cli.env.GOSPOCHTA_DATA_DIR!, 'outbox.jsonl'), 'utf8').trim()) as { code: string };
    expectRefusal(cli.run(['account', 'confirm', String(id), '--method', 'code', '--json']), 'CODE_RESEND_TOO_SOON');
    const wrong = line.code === '000000' ? '111111' : '000000';
    expectRefusal(cli.run(['account', 'confirm', String(id), '--code', wrong, '--json']), 'CODE_WRONG');
    const ok = cli.run(['account', 'confirm', String(id), '--code', line.code, '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.json).toMatchObject({ id, level: 'confirmed', confirmed: { method: 'code' } });

    // the password comes from stdin only
    expectRefusal(cli.run(['mailbox', 'create', String(id), '--address', 'ivanov@example.org', '--json']), 'PASSWORD_STDIN_REQUIRED');
    expectRefusal(cli.run(['mailbox', 'create', String(id), '--address', 'ivanov@example.org', '--password-stdin', '--json'], 'ivanov12X\n'), 'INVALID_PASSWORD');
    const mb = cli.run(['mailbox', 'create', String(id), '--address', 'Ivanov@Example.org', '--password-stdin', '--json'], PW + '\n');
    expect(mb.status, mb.stderr).toBe(0);
    expect(mb.json).toMatchObject({ address: 'ivanov@example.org', accountId: id, access: { ok: true } });

    const show = cli.run(['mailbox', 'show', 'ivanov@example.org', '--json']);
    expect(show.json).toMatchObject({ owner: 'Иванов Иван Иванович', status: 'active', messages: 0, bytes: 0 });
    expect((show.json.folders as Array<{ name: string }>).map((f) => f.name).sort()).toEqual(['Archive', 'Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);

    const audit = cli.run(['audit', '--account', String(id), '--json']);
    expect(audit.status).toBe(0);
    const events = audit.json.events as Array<{ action: string; outcome: string; actor: string; details: { method?: string } }>;
    expect(events.map((e) => `${e.action}:${e.outcome}`).reverse()).toEqual([
      'account.register:ok',
      'mailbox.create:refused',
      'account.documents:ok',
      'account.confirm.code_sent:ok',
      'account.confirm:failed',
      'account.confirm:failed',
      'account.confirm:ok',
      'mailbox.create:refused',
      'mailbox.create:ok',
    ]);
    expect(events.every((e) => e.actor === 'operator:Оператор Тестовый')).toBe(true);
    const confirms = cli.run(['audit', '--action', 'account.confirm', '--json']).json.events as Array<{ details: { method: string } }>;
    expect(confirms).toHaveLength(3);
    expect(confirms.every((e) => e.details.method === 'code')).toBe(true);
    const byMailbox = cli.run(['audit', '--mailbox', 'IVANOV@example.org', '--json']).json.events as Array<{ action: string }>;
    expect(byMailbox.map((e) => e.action)).toEqual(['mailbox.create']);
    expect((cli.run(['audit', '--since', '2999-01-01', '--json']).json.events as unknown[]).length).toBe(0);
    expect((cli.run(['audit', '--action', 'account.*', '--limit', '2', '--json']).json.events as unknown[]).length).toBe(2);

    // human output too
    const text = cli.run(['audit', '--account', String(id)]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('mailbox.create');
  });

  it('in person with --operator; block, passwd, list, delete; address retired', () => {
    const cli = makeCli();
    const id = register(cli);
    documents(cli, id);
    const c = cli.run(['account', 'confirm', String(id), '--method', 'in-person', '--operator', 'Петрова А. В.', '--document', 'паспорт 4510 123456', '--json']);
    expect(c.status, c.stderr).toBe(0);
    expect(c.json.confirmed).toMatchObject({ method: 'in-person', by: 'Петрова А. В.', details: { document: 'паспорт 4510 123456' } });
    expect(cli.run(['mailbox', 'create', String(id), '--address', 'ivanov@example.org', '--password-stdin', '--json'], PW + '\n').status).toBe(0);

    const blocked = cli.run(['account', 'block', String(id), '--reason', 'court order', '--json']);
    expect(blocked.json.status).toBe('blocked');
    expect(cli.run(['mailbox', 'show', 'ivanov@example.org', '--json']).json.access).toEqual({ ok: false, reason: 'account blocked' });
    const again = cli.run(['mailbox', 'create', String(id), '--address', 'ivanov2@example.org', '--password-stdin', '--json'], PW + '\n');
    expectRefusal(again, 'ACCOUNT_NOT_ACTIVE');
    expect(again.stderr).toContain('blocked');
    expect(cli.run(['account', 'unblock', String(id), '--json']).json.status).toBe('active');

    expect(cli.run(['mailbox', 'passwd', 'ivanov@example.org', '--password-stdin', '--json'], 'Nw8$tLp3@xQe\n').status).toBe(0);
    const list = cli.run(['mailbox', 'list', '--json']).json.mailboxes as Array<{ address: string }>;
    expect(list.map((m) => m.address)).toEqual(['ivanov@example.org']);
    const accounts = cli.run(['account', 'list', '--level', 'confirmed', '--json']).json.accounts as Array<{ id: number }>;
    expect(accounts.map((a) => a.id)).toEqual([id]);

    const del = cli.run(['mailbox', 'delete', 'ivanov@example.org', '--json']);
    expect(del.status, del.stderr).toBe(0);
    expect(del.json).toMatchObject({ status: 'deleted', access: { ok: false } });
    expectRefusal(cli.run(['mailbox', 'create', String(id), '--address', 'ivanov@example.org', '--password-stdin', '--json'], PW + '\n'), 'ADDRESS_TAKEN');

    const revoked = cli.run(['account', 'consent', 'revoke', String(id), '--json']);
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(revoked.json.consent).toBeNull();
    expectRefusal(cli.run(['account', 'consent', 'revoke', String(id), '--json']), 'CONSENT_NOT_IN_FORCE');
    const gone = cli.run(['account', 'delete', String(id), '--json']);
    expect(gone.status, gone.stderr).toBe(0);
    expect(gone.json).toMatchObject({ status: 'deleted', snils: null });
    expectRefusal(cli.run(['account', 'unblock', String(id), '--json']), 'ACCOUNT_DELETED');
  });

  it('qualified certificate through the CLI with trusted CAs from the config file', async () => {
    const ca = await makeCa();
    const cli = makeCli();
    writeFileSync(join(cli.dir, 'ca.pem'), pem(ca.cert));
    writeFileSync(join(cli.dir, 'gospochta.json'), JSON.stringify({ identity: { trustedCaFiles: [join(cli.dir, 'ca.pem')] } }));
    const env = { GOSPOCHTA_CONFIG: join(cli.dir, 'gospochta.json') };
    const id = register(cli);
    documents(cli, id);
    writeFileSync(join(cli.dir, 'old.pem'), pem(await makeLeaf(ca, '11223344595', { notBefore: new Date(Date.now() - 9e8), notAfter: new Date(Date.now() - 1e8) })));
    writeFileSync(join(cli.dir, 'other.pem'), pem(await makeLeaf(ca, '12345678964')));
    writeFileSync(join(cli.dir, 'good.pem'), pem(await makeLeaf(ca, '11223344595')));
    const run = (f: string) => cli.run(['account', 'confirm', String(id), '--method', 'certificate', '--cert', join(cli.dir, f), '--json'], '', env);
    expectRefusal(run('old.pem'), 'CERT_EXPIRED');
    expectRefusal(run('other.pem'), 'CERT_SNILS_MISMATCH');
    const ok = run('good.pem');
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.json).toMatchObject({ level: 'confirmed', confirmed: { method: 'certificate' } });
  });

  it('refusals: exit codes, one-line reasons, JSON errors', () => {
    const cli = makeCli();
    const bad = cli.run(['account', 'register', '--name', 'Иванов', '--phone', '+79123456789', '--consent', '--json']);
    expectRefusal(bad, 'INVALID_NAME');
    expect(bad.json.field).toBe('name');
    expectRefusal(cli.run(['account', 'register', '--name', 'Иванов Иван', '--phone', '+74951234567', '--consent', '--json']), 'INVALID_PHONE');
    expectRefusal(cli.run(['account', 'register', '--name', 'Иванов Иван', '--phone', '+79123456789', '--json']), 'CONSENT_REQUIRED');
    const id = register(cli);
    const snils = cli.run(['account', 'documents', String(id), '--snils', '112-233-445 96', '--passport', '4510 123456', '--json']);
    expectRefusal(snils, 'INVALID_SNILS');
    expect(snils.json.message).toBe('snils: control number does not match (checksum)');
    documents(cli, id);
    const other = register(cli);
    expectRefusal(cli.run(['account', 'documents', String(other), '--snils', '11223344595', '--passport', '4510 000001', '--json']), 'SNILS_TAKEN');
    expectRefusal(cli.run(['account', 'show', '999', '--json']), 'NOT_FOUND');
    expectRefusal(cli.run(['account', 'confirm', String(id), '--method', 'telepathy', '--json']), 'INVALID_METHOD');
    const usage = cli.run(['account', 'show', '--json']);
    expect(usage.status).toBe(2);
    expect(usage.json.error).toBe('USAGE');
    expect(usage.stderr).toMatch(/^gospochta: /);
    const human = cli.run(['account', 'show', '999']);
    expect(human.status).toBe(1);
    expect(human.stdout).toBe('');
    expect(human.stderr).toBe('gospochta: account 999 not found\n');
  });

  it('refuses a database newer than the code (DB_TOO_NEW)', () => {
    const cli = makeCli();
    register(cli);
    const db = openDatabaseFile(join(cli.env.GOSPOCHTA_DATA_DIR!, 'gospochta.sqlite'));
    db.pragma('user_version = 999');
    db.close();
    expectRefusal(cli.run(['account', 'list', '--json']), 'DB_TOO_NEW');
  });
});
