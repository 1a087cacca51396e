/**
 * Filters run on every local delivery path: submission on 465 and 587 and MX on
 * 25 each pass through the recipient's active Sieve script (here: fileinto by
 * the envelope sender, RFC 5228 §5.4); ereject on MX is the SMTP refusal
 * (RFC 5429 §2.2); with two recipients, one of whom rejects, the other gets the
 * message and the sender a notice; a script managed with the CLI is refused
 * with its line and column and stored when well-formed.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import nodemailer from 'nodemailer';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, PASSWORD, type TestServer } from '../helpers/server.js';
import { startTestDns, type TestDns } from '../helpers/dns.js';
import { freePort } from '../helpers/child-server.js';
import { folderContent } from '../helpers/mailbox-content.js';
import { activateScript, saveScript } from '../../src/filters/scripts.js';
import { makeCli, ensureBuilt } from '../cli/helpers.js';
import { openDb } from '../../src/store/db.js';
import { registerAccount, setDocuments } from '../../src/identity/accounts.js';
import { confirmInPerson } from '../../src/identity/confirm.js';
import { createMailbox } from '../../src/identity/mailboxes.js';
import { loadConfig } from '../../src/config/load.js';
import type { IdentityContext } from '../../src/identity/context.js';

let t: TestServer;
let dns: TestDns;
let mxPort: number;
let subPort: number;
let alice: { address: string; mailboxId: number };
let bob: { address: string; mailboxId: number };
let carol: string;

const SCRIPT = `require ["envelope", "fileinto", "ereject"];
if envelope :domain "from" "remote.test" { ereject "No mail from remote.test, please."; stop; }
if envelope :localpart "from" "carol" { fileinto "Archive"; }
`;

beforeAll(async () => {
  mxPort = await freePort();
  subPort = await freePort();
  dns = await startTestDns();
  t = await startTestServer({ mx: { port: mxPort, maxConnectionsPerIp: 20, messagesPerIpPerMinute: 1000, maxRecipients: 100 }, submission: { port: subPort }, dns: { servers: [dns.address] } });
  alice = await t.provision('alice');
  bob = await t.provision('bob');
  carol = (await t.provision('carol')).address;
  const ctx: IdentityContext = { db: t.server.db, cfg: t.cfg, actor: 'operator:test' };
  const owner = { mailboxId: alice.mailboxId, address: alice.address };
  saveScript(ctx, owner, 'paths', SCRIPT);
  activateScript(ctx, owner, 'paths');
});
afterAll(async () => {
  await t?.close();
  await dns?.close();
});

const mx = () => nodemailer.createTransport({ host: '127.0.0.1', port: mxPort, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, name: 'mx.remote.test' });

describe('filters on every local delivery path', () => {
  it('465, 587 and 25 all file by the script', async () => {
    const s465 = t.smtp(carol);
    await s465.sendMail({ from: carol, to: alice.address, subject: 'via 465', text: 'x' });
    s465.close();
    const s587 = nodemailer.createTransport({ host: '127.0.0.1', port: subPort, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: carol, pass: PASSWORD } });
    await s587.sendMail({ from: carol, to: alice.address, subject: 'via 587', text: 'x' });
    s587.close();
    const m = mx();
    await m.sendMail({ envelope: { from: 'carol@elsewhere.test', to: [alice.address] }, from: 'carol@elsewhere.test', to: alice.address, subject: 'via 25', text: 'x' });
    m.close();
    const archived = folderContent(t.server.db, alice.address, 'Archive').map((x) => /^Subject: (.*)$/m.exec(x.raw)?.[1]);
    expect(archived).toEqual(['via 465', 'via 587', 'via 25']);
  });

  it('ereject on MX is the SMTP refusal; nothing is stored', async () => {
    const before = folderContent(t.server.db, alice.address, 'INBOX').length;
    const m = mx();
    const err = await m.sendMail({ envelope: { from: 'someone@remote.test', to: [alice.address] }, from: 'someone@remote.test', to: alice.address, subject: 'refused', text: 'x' }).catch((e: { response?: string }) => e);
    m.close();
    expect((err as { response?: string }).response).toMatch(/^550 5\.7\.1 .*No mail from remote\.test, please\./);
    expect(folderContent(t.server.db, alice.address, 'INBOX')).toHaveLength(before);
  });

  it('with two recipients, one rejecting, the other gets it and the sender a notice', async () => {
    const ctx: IdentityContext = { db: t.server.db, cfg: t.cfg, actor: 'operator:test' };
    const owner = { mailboxId: bob.mailboxId, address: bob.address };
    saveScript(ctx, owner, 'no', 'require "reject";\nreject "Bob takes no mail today.";\n');
    activateScript(ctx, owner, 'no');
    const s = t.smtp(carol);
    await s.sendMail({ from: carol, to: [alice.address, bob.address], subject: 'to both', text: 'x' });
    s.close();
    expect(folderContent(t.server.db, alice.address, 'Archive').some((x) => x.raw.includes('Subject: to both'))).toBe(true);
    expect(folderContent(t.server.db, bob.address, 'INBOX').some((x) => x.raw.includes('Subject: to both'))).toBe(false);
    const notice = folderContent(t.server.db, carol, 'INBOX').find((x) => x.raw.includes('Subject: Rejected: to both'));
    expect(notice).toBeDefined();
    expect(Buffer.from(notice!.raw.split('\r\n\r\n')[1]!.replace(/\s+/g, ''), 'base64').toString('utf8')).toContain('Bob takes no mail today.');
  });
});

describe('gospochta mailbox sieve', () => {
  it('refuses a malformed script with its line and column, stores and lists a good one, audited', async () => {
    ensureBuilt();
    const cli = makeCli();
    const dataDir = join(cli.dir, 'data');
    const cfg = loadConfig({ env: {}, cwd: cli.dir, overrides: { dataDir, domains: ['example.org'] } });
    const db = openDb(dataDir);
    const ctx: IdentityContext = { db, cfg, actor: 'operator:test' };
    const a = registerAccount(ctx, { name: 'Иванов Иван Иванович', phone: '+7 912 345-67-89', consent: true });
    setDocuments(ctx, a.id, { snils: '112-233-445 95', passport: '4510 123456', passportIssued: '01.02.2015', passportDivision: '770-001' });
    await confirmInPerson(ctx, a.id, 'Петрова А. А.', 'passport 4510 123456');
    await createMailbox(ctx, a.id, 'dana@example.org', PASSWORD);
    db.close();
    try {
      const bad = cli.run(['mailbox', 'sieve', 'put', 'dana@example.org', 'main', '--json'], 'require "fileinto";\nif true {\n  fileinto "x" "y";\n}\n');
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('gospochta: line 3, column 16: too many arguments to the fileinto command');
      expect(bad.json).toMatchObject({ error: 'SIEVE_SYNTAX', details: { line: 3, column: 16 } });
      const good = cli.run(['mailbox', 'sieve', 'put', 'dana@example.org', 'main', '--activate'], 'keep;\n');
      expect(good.status).toBe(0);
      const list = cli.run(['mailbox', 'sieve', 'list', 'dana@example.org', '--json']);
      expect(list.json).toMatchObject({ scripts: [{ name: 'main', active: true, bytes: 6 }] });
      expect(cli.run(['mailbox', 'sieve', 'get', 'dana@example.org', 'main']).stdout).toBe('keep;\n');
      expect(cli.run(['mailbox', 'sieve', 'delete', 'dana@example.org', 'main']).stderr).toMatch(/active script/);
      expect(cli.run(['mailbox', 'sieve', 'activate', 'dana@example.org', '--none']).status).toBe(0);
      expect(cli.run(['mailbox', 'sieve', 'delete', 'dana@example.org', 'main']).status).toBe(0);
      const fw = cli.run(['mailbox', 'forward', 'dana@example.org', '--to', 'nobody@example.org']);
      expect(fw.status).toBe(1);
      expect(fw.stderr).toMatch(/no usable mailbox/);
      const audit = cli.run(['audit', '--mailbox', 'dana@example.org', '--json']);
      const actions = JSON.stringify(audit.json);
      for (const a of ['sieve.put', 'sieve.activate', 'sieve.delete']) expect(actions).toContain(`"${a}"`);
    } finally {
      rmSync(cli.dir, { recursive: true, force: true });
    }
  });
});
