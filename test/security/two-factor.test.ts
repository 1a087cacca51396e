/**
 * Two-factor protection for mail clients, as an operator turns it on with the CLI
 * (its own process) against a running server: the code goes through the notifier
 * (the outbox file), a wrong code is refused, the right one turns protection on and
 * ends the sessions logged in with the mailbox password; from then on the mailbox
 * password is refused on IMAP (NO [AUTHENTICATIONFAILED]), POP3 (-ERR [AUTH]) and
 * SMTP (535 5.7.8), each saying an app password is needed, and app passwords log
 * in on all three. Revoking one ends the sessions logged in with it and no other.
 * Every step is an audit row.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer, PASSWORD } from '../helpers/server.js';
import { freePort } from '../helpers/child-server.js';
import { TranscriptClient } from '../helpers/imap.js';
import { RawSmtp } from '../helpers/smtp-raw.js';
import { Pop3Client } from '../helpers/pop3.js';
import { ensureBuilt, makeCli, type Cli } from '../cli/helpers.js';

let t: TestServer;
let carol: string;
let cli: Cli;

beforeAll(async () => {
  ensureBuilt();
  t = await startTestServer({ pop3: { port: await freePort() }, auth: { failureDelayMs: 0, mailboxFailures: 50, ipFailures: 100 } });
  carol = (await t.provision('carol')).address;
  cli = makeCli({ GOSPOCHTA_DATA_DIR: t.cfg.dataDir, GOSPOCHTA_DOMAINS: 'example.org', GOSPOCHTA_OPERATOR: 'Оператор Тестовый' });
});
afterAll(async () => t?.close());

/** Lines until the server closes the connection; throws when it is still open after 10 s. */
async function closedWithin10s(c: { rest(): Promise<string[]> }): Promise<string[]> {
  const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error('session still open after 10 s')), 10_000));
  return Promise.race([c.rest(), timeout]);
}

async function imapLogin(user: string, password: string): Promise<{ c: TranscriptClient; reply: string }> {
  const c = await TranscriptClient.connect(t.server.imapPort);
  const r = await c.cmd(`L1 LOGIN "${user}" "${password}"`);
  return { c, reply: r.at(-1)! };
}

function lastCode(): string {
  const lines = readFileSync(join(t.cfg.dataDir, 'outbox.jsonl'), 'utf8').trim().split('\n');
  return (JSON.parse(lines.at(-1)!) as { code: string }).code;
}

function auditActions(): string[] {
  return (t.server.db.prepare("SELECT action || ':' || outcome AS a FROM audit_events WHERE subject = ? AND action LIKE 'mailbox.%' ORDER BY id").all(`mailbox:${carol}`) as Array<{ a: string }>).map((r) => r.a);
}

let thunderbird = '';
let phone = '';

describe('two-factor protection and app passwords', () => {
  it('creates app passwords shown once (--json prints the password) and refuses a duplicate name', () => {
    const r = cli.run(['mailbox', 'app-password', 'add', carol, '--name', 'Thunderbird at home', '--json']);
    expect(r.status, r.stderr).toBe(0);
    thunderbird = String(r.json.password);
    expect(thunderbird).toMatch(/^[a-z2-7]{16}$/);
    const dup = cli.run(['mailbox', 'app-password', 'add', carol, '--name', 'Thunderbird at home']);
    expect(dup.status).toBe(1);
    expect(dup.stderr).toMatch(/already has an app password named "Thunderbird at home"/);
    const second = cli.run(['mailbox', 'app-password', 'add', carol, '--name', 'phone', '--json']);
    phone = String(second.json.password);
    expect(phone).not.toBe(thunderbird);
    const stored = t.server.db.prepare('SELECT hash FROM app_passwords WHERE name = ?').get('phone') as { hash: string };
    expect(stored.hash).toMatch(/^\$argon2id\$/);
    expect(stored.hash).not.toContain(phone);
  });

  it('turns on with the code sent through the notifier; a wrong code is refused; password sessions end', async () => {
    const before = await imapLogin(carol, PASSWORD);
    expect(before.reply).toMatch(/^L1 OK/);
    const sent = cli.run(['mailbox', '2fa', 'on', carol, '--json']);
    expect(sent.status, sent.stderr).toBe(0);
    expect(sent.json).toMatchObject({ codeSent: true, sentVia: 'outbox' });
    const code = lastCode();
    const wrong = cli.run(['mailbox', '2fa', 'on', carol, '--code', code === '000000' ? '111111' : '000000', '--json']);
    expect(wrong.status).toBe(1);
    expect(wrong.json.error).toBe('CODE_WRONG');
    const on = cli.run(['mailbox', '2fa', 'on', carol, '--code', code, '--json']);
    expect(on.status, on.stderr).toBe(0);
    expect(on.json).toMatchObject({ twoFactor: true, appPasswords: 2 });
    const rest = await closedWithin10s(before.c);
    expect(rest.join('\n')).toMatch(/\* BYE Access to this mailbox has been withdrawn/);
  });

  it('refuses the mailbox password on IMAP, POP3 and SMTP with a text saying an app password is needed', async () => {
    const imap = await imapLogin(carol, PASSWORD);
    expect(imap.reply).toMatch(/^L1 NO \[AUTHENTICATIONFAILED\] Authentication failed: an app password is needed/);
    imap.c.destroy();
    const pop = await Pop3Client.connect(t.server.pop3Port!);
    expect(await pop.login(carol, PASSWORD)).toMatch(/^-ERR \[AUTH\] Authentication failed: an app password is needed/);
    pop.destroy();
    const smtp = await RawSmtp.open(t.server.smtpPort);
    const r = await smtp.login(carol, PASSWORD);
    expect(r.code).toBe(535);
    expect(r.text).toMatch(/^535 5\.7\.8 Authentication credentials invalid: an app password is needed/);
    smtp.close();
    const wrong = await imapLogin(carol, 'Not-The-Password-9');
    expect(wrong.reply).toBe('L1 NO [AUTHENTICATIONFAILED] Authentication failed');
    wrong.c.destroy();
  });

  it('accepts an app password on IMAP, POP3 and SMTP (spaces and case as typed from the screen are ignored)', async () => {
    const imap = await imapLogin(carol, thunderbird);
    expect(imap.reply).toMatch(/^L1 OK/);
    await imap.c.close();
    const pop = await Pop3Client.connect(t.server.pop3Port!);
    const grouped = thunderbird.toUpperCase().match(/.{4}/g)!.join(' ');
    expect(await pop.login(carol, grouped)).toMatch(/^\+OK Logged in/);
    expect(await pop.cmd('QUIT')).toMatch(/^\+OK/);
    const info = await t.smtp(carol, phone).sendMail({ from: carol, to: carol, subject: 'sent with an app password', text: 'hi' });
    expect(info.accepted).toEqual([carol]);
    const list = cli.run(['mailbox', 'app-password', 'list', carol, '--json']);
    const rows = list.json.appPasswords as Array<{ name: string; lastUsedAt: string | null; lastUsedNetwork: string | null; lastUsedProtocol: string | null }>;
    expect(list.json.twoFactor).toBe(true);
    expect(rows.map((p) => p.name)).toEqual(['Thunderbird at home', 'phone']);
    expect(rows[0]).toMatchObject({ lastUsedProtocol: 'pop3', lastUsedNetwork: '127.0.0.0/24' });
    expect(rows[1]).toMatchObject({ lastUsedProtocol: 'smtp' });
    expect(rows[0]!.lastUsedAt).not.toBeNull();
    expect(cli.run(['mailbox', 'app-password', 'list', carol]).stdout).toMatch(/Thunderbird at home +created .* last used .* pop3 from 127\.0\.0\.0\/24/);
  });

  it('revoking one app password ends the sessions logged in with it, and only those', async () => {
    const revoked = await imapLogin(carol, thunderbird);
    expect(revoked.reply).toMatch(/^L1 OK/);
    await revoked.c.cmd('s1 SELECT INBOX');
    const pop = await Pop3Client.connect(t.server.pop3Port!);
    expect(await pop.login(carol, thunderbird)).toMatch(/^\+OK/);
    const kept = await imapLogin(carol, phone);
    expect(kept.reply).toMatch(/^L1 OK/);
    const r = cli.run(['mailbox', 'app-password', 'revoke', carol, 'Thunderbird at home', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect((await closedWithin10s(revoked.c)).join('\n')).toMatch(/\* BYE Access to this mailbox has been withdrawn/);
    expect((await closedWithin10s(pop)).join('\n')).toMatch(/^-ERR \[SYS\/PERM\] Access to this mailbox has been withdrawn/);
    expect((await kept.c.cmd('n1 NOOP')).at(-1)).toMatch(/^n1 OK/);
    await kept.c.close();
    const again = await imapLogin(carol, thunderbird);
    expect(again.reply).toBe('L1 NO [AUTHENTICATIONFAILED] Authentication failed');
    again.c.destroy();
    expect(cli.run(['mailbox', 'app-password', 'revoke', carol, 'Thunderbird at home']).status).toBe(1);
    expect((cli.run(['mailbox', 'app-password', 'list', carol, '--json']).json.appPasswords as unknown[]).length).toBe(1);
  });

  it('turns off: the mailbox password logs in again; every step is in the audit journal', async () => {
    const off = cli.run(['mailbox', '2fa', 'off', carol, '--json']);
    expect(off.status, off.stderr).toBe(0);
    expect(off.json).toMatchObject({ twoFactor: false });
    expect(cli.run(['mailbox', '2fa', 'off', carol]).status).toBe(1);
    const imap = await imapLogin(carol, PASSWORD);
    expect(imap.reply).toMatch(/^L1 OK/);
    await imap.c.close();
    expect(auditActions()).toEqual([
      'mailbox.create:ok',
      'mailbox.app_password.add:ok',
      'mailbox.app_password.add:refused',
      'mailbox.app_password.add:ok',
      'mailbox.2fa.code_sent:ok',
      'mailbox.2fa.on:refused',
      'mailbox.2fa.on:ok',
      'mailbox.app_password.revoke:ok',
      'mailbox.app_password.revoke:refused',
      'mailbox.2fa.off:ok',
      'mailbox.2fa.off:refused',
    ]);
    const actor = t.server.db.prepare("SELECT actor FROM audit_events WHERE action = 'mailbox.2fa.on' AND outcome = 'ok'").get() as { actor: string };
    expect(actor.actor).toBe('operator:Оператор Тестовый');
    const refused = t.server.db.prepare("SELECT details FROM audit_events WHERE action = 'login' AND outcome = 'refused' AND subject = ?").all(`mailbox:${carol}`) as Array<{ details: string }>;
    expect(refused.length).toBe(3);
    for (const r of refused) expect(JSON.parse(r.details)).toMatchObject({ reason: 'app password required' });
  });
});
