/**
 * QUOTA (RFC 9208) and its enforcement on every delivery path: GETQUOTAROOT /
 * GETQUOTA (§4.2, §4.3) with STORAGE in KiB (§5.1) and MESSAGE (§5.2), SETQUOTA
 * refused (§4.1), APPEND and COPY past the limit `NO [OVERQUOTA]` (§4.2, RFC
 * 5530), submission and MX `552 5.2.2` (RFC 3463 X.2.2) with nothing stored, one
 * warning message into INBOX when a delivery crosses 90 %, usage falling with
 * EXPUNGE, and an operator's own limit for one mailbox.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, PASSWORD, type TestServer } from '../../helpers/server.js';
import { startTestDns, type TestDns } from '../../helpers/dns.js';
import { freePort } from '../../helpers/child-server.js';
import { TranscriptClient } from '../../helpers/imap.js';
import { RawSmtp } from '../../helpers/smtp-raw.js';
import { setMailboxQuota, WARNING_SUBJECT } from '../../../src/policy/quota.js';

let t: TestServer;
let dns: TestDns;
let mxPort: number;
let alice: { address: string; mailboxId: number };
let bob: string;
let c: TranscriptClient;

const LIMIT = 20_000;

function message(subject: string, size: number, from = 'a@example.org'): string {
  const head = `From: ${from}\r\nTo: b@example.org\r\nSubject: ${subject}\r\n\r\n`;
  const line = 'x'.repeat(70) + '\r\n';
  let body = '';
  while (head.length + body.length + line.length <= size) body += line;
  body += 'y'.repeat(size - head.length - body.length);
  return head + body;
}

async function append(tag: string, raw: string): Promise<string> {
  c.send(`${tag} APPEND INBOX {${Buffer.byteLength(raw)}+}`);
  c.write(raw + '\r\n');
  const r = await c.until(tag);
  return r[r.length - 1]!;
}

async function submit(from: string, to: string, raw: string): Promise<string> {
  const s = await RawSmtp.open(t.server.smtpPort);
  await s.login(from, PASSWORD);
  await s.cmd(`MAIL FROM:<${from}>`);
  const rcpt = await s.cmd(`RCPT TO:<${to}>`);
  if (rcpt.code !== 250) return rcpt.text;
  const r = await s.data(raw);
  s.close();
  return r.text;
}

async function quota(tag: string): Promise<string> {
  const r = await c.cmd(`${tag} GETQUOTA ""`);
  expect(r[r.length - 1]).toBe(`${tag} OK GETQUOTA completed`);
  return r[0]!;
}

const subjects = () =>
  t.server.db
    .prepare('SELECT s.subject FROM messages m JOIN folders f ON f.id = m.folder_id JOIN blob_search s ON s.blob_id = m.blob_id WHERE f.mailbox_id = ? ORDER BY m.id')
    .pluck()
    .all(alice.mailboxId) as string[];

beforeAll(async () => {
  dns = await startTestDns({ 'remote.test': 'v=spf1 ip4:127.0.0.1 -all' });
  mxPort = await freePort();
  t = await startTestServer({ limits: { mailboxBytes: LIMIT, mailboxMessages: 1000 }, mx: { port: mxPort }, dns: { servers: [dns.address] } });
  alice = await t.provision('alice');
  bob = (await t.provision('bob')).address;
  c = await TranscriptClient.connect(t.server.imapPort);
  await c.login(alice.address, PASSWORD);
  await c.cmd('s1 SELECT INBOX');
});
afterAll(async () => {
  await c?.close();
  await t?.close();
  await dns?.close();
});

describe('RFC 9208 GETQUOTAROOT / GETQUOTA / SETQUOTA', () => {
  it('advertises QUOTA with both resources', async () => {
    const r = await c.cmd('a0 CAPABILITY');
    expect(r[0]).toMatch(/ QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE( |$)/);
    expect(r[0]).not.toMatch(/QUOTASET/);
  });
  it('one root "" for every folder, STORAGE in KiB', async () => {
    expect(await c.cmd('a1 GETQUOTAROOT INBOX')).toEqual(['* QUOTAROOT INBOX ""', '* QUOTA "" (STORAGE 0 19 MESSAGE 0 1000)', 'a1 OK GETQUOTAROOT completed']);
    expect(await c.cmd('a2 GETQUOTAROOT Sent')).toEqual(['* QUOTAROOT Sent ""', '* QUOTA "" (STORAGE 0 19 MESSAGE 0 1000)', 'a2 OK GETQUOTAROOT completed']);
    expect((await c.cmd('a3 GETQUOTAROOT Nowhere')).pop()).toMatch(/^a3 NO \[NONEXISTENT\]/);
    expect((await c.cmd('a4 GETQUOTA "other"')).pop()).toMatch(/^a4 NO \[NONEXISTENT\]/);
    expect((await c.cmd('a5 SETQUOTA "" (STORAGE 1000000)')).pop()).toMatch(/^a5 NO \[NOPERM\] Quotas are set by the operator/);
  });
  it('APPEND counts: 8000 bytes is 8 KiB, one message', async () => {
    expect(await append('a6', message('first', 8000))).toMatch(/^a6 OK \[APPENDUID/);
    expect(await quota('a7')).toBe('* QUOTA "" (STORAGE 8 19 MESSAGE 1 1000)');
  });
});

describe('enforced on delivery', () => {
  it('a delivery crossing 90 % puts one warning into INBOX', async () => {
    expect(await submit(bob, alice.address, message('second', 10_300, bob))).toMatch(/^250 2\.0\.0 /);
    for (let i = 0; i < 200 && !subjects().includes(WARNING_SUBJECT.toLowerCase()); i++) await new Promise((r) => setTimeout(r, 25));
    expect(subjects()).toEqual(['first', 'second', WARNING_SUBJECT.toLowerCase()]);
  });
  it('submission past the limit: 552 5.2.2, nothing stored', async () => {
    const reply = await submit(bob, alice.address, message('third', 3000, bob));
    expect(reply).toMatch(/^552 5\.2\.2 Mailbox full: mailbox alice@example\.org is full/);
    expect(subjects()).toHaveLength(3);
  });
  it('at RCPT, a full mailbox or a declared SIZE past the limit: 552 5.2.2 for that recipient only', async () => {
    const s = await RawSmtp.open(t.server.smtpPort);
    await s.login(bob, PASSWORD);
    expect((await s.cmd(`MAIL FROM:<${bob}> SIZE=5000`)).code).toBe(250);
    const r = await s.cmd(`RCPT TO:<${alice.address}>`);
    expect(r.text).toBe('552 5.2.2 Mailbox full: mailbox alice@example.org is full and cannot take a message of 5000 bytes');
    expect((await s.cmd(`RCPT TO:<${bob}>`)).code).toBe(250);
    s.close();
    const mx = await RawSmtp.openPlain(mxPort);
    await mx.cmd('EHLO mx.remote.test');
    await mx.cmd('MAIL FROM:<tax@remote.test> SIZE=5000');
    expect((await mx.cmd(`RCPT TO:<${alice.address}>`)).text).toMatch(/^552 5\.2\.2 Mailbox full/);
    mx.close();
  });
  it('MX past the limit: 552 5.2.2, nothing stored', async () => {
    const s = await RawSmtp.openPlain(mxPort);
    await s.cmd('EHLO mx.remote.test');
    expect((await s.cmd('MAIL FROM:<tax@remote.test>')).code).toBe(250);
    expect((await s.cmd(`RCPT TO:<${alice.address}>`)).code).toBe(250);
    const r = await s.data(message('from afar', 3000, 'tax@remote.test'));
    s.close();
    expect(r.text).toMatch(/^552 5\.2\.2 Mailbox full/);
    expect(subjects()).toHaveLength(3);
  });
  it('APPEND and COPY past the limit: NO [OVERQUOTA], nothing stored', async () => {
    expect(await append('b1', message('fourth', 3000))).toMatch(/^b1 NO \[OVERQUOTA\] mailbox alice@example\.org is full/);
    expect((await c.cmd('b2 COPY 1 Archive')).pop()).toMatch(/^b2 NO \[OVERQUOTA\]/);
    expect(subjects()).toHaveLength(3);
  });
  it('EXPUNGE gives the space back', async () => {
    const before = await quota('b3');
    await c.cmd('b4 STORE 2 +FLAGS.SILENT (\\Deleted)');
    await c.cmd('b5 EXPUNGE');
    const after = await quota('b6');
    expect(before).toMatch(/MESSAGE 3 1000\)$/);
    expect(after).toMatch(/^\* QUOTA "" \(STORAGE 9 19 MESSAGE 2 1000\)$/);
    expect(await append('b7', message('fourth', 3000))).toMatch(/^b7 OK/);
  });
  it("the operator's own limit for one mailbox", async () => {
    const q = setMailboxQuota({ db: t.server.db, cfg: t.cfg, actor: 'operator:test', address: alice.address, size: '1M' });
    expect(q).toMatchObject({ limitBytes: 1024 * 1024, own: true });
    expect(await quota('c1')).toMatch(/\(STORAGE 12 1024 MESSAGE 3 1000\)$/);
    expect((await c.cmd('c2 COPY 1 Archive')).pop()).toMatch(/^c2 OK \[COPYUID/);
    setMailboxQuota({ db: t.server.db, cfg: t.cfg, actor: 'operator:test', address: alice.address, size: 'default' });
    expect(await quota('c3')).toMatch(/\(STORAGE 20 19 MESSAGE 4 1000\)$/);
    expect(() => setMailboxQuota({ db: t.server.db, cfg: t.cfg, actor: 'operator:test', address: alice.address, size: 'lots' })).toThrow(/size: a size such as 10G/);
  });
});
