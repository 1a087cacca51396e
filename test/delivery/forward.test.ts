/**
 * Forwarding: a mailbox's mail goes to a local mailbox and to an outside one (an
 * smtp-server on loopback reached through `outbound.routes`, the outbound runner
 * on), with or without a copy kept; an outside sender is rewritten with SRS on
 * the way out so SPF holds at the receiver; a forwarding loop is stopped by the
 * Delivered-To: field (RFC 5321 §6.3) and the message stays in the mailbox;
 * forwarded copies count toward no daily limit; every change is audited.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import nodemailer from 'nodemailer';
import type { SMTPServer } from 'smtp-server';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startTestDns, type TestDns } from '../helpers/dns.js';
import { freePort } from '../helpers/child-server.js';
import { startSmtpSink, closeSmtpSink } from '../helpers/smtp-sink.js';
import { folderContent, until } from '../helpers/mailbox-content.js';
import { setForwarding, stopForwarding } from '../../src/filters/forwarding.js';
import { srsReverse } from '../../src/delivery/srs.js';
import { serverSecret } from '../../src/store/filters.js';
import type { IdentityContext } from '../../src/identity/context.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

let t: TestServer;
let dns: TestDns;
let sink: SMTPServer;
let mxPort: number;
const received: Received[] = [];
let ctx: IdentityContext;
let alice: string;
let bob: string;
let carol: string;
let dave: string;

beforeAll(async () => {
  const sinkPort = await freePort();
  mxPort = await freePort();
  sink = await startSmtpSink({ port: sinkPort, onMessage: (m) => received.push({ from: m.from, to: m.to, raw: m.raw.toString('utf8') }) });
  dns = await startTestDns();
  t = await startTestServer({
    mx: { port: mxPort, maxConnectionsPerIp: 20, messagesPerIpPerMinute: 1000, maxRecipients: 100 },
    dns: { servers: [dns.address] },
    outbound: { enabled: true, routes: { 'gov.test': `127.0.0.1:${sinkPort}` }, pollMs: 200, timeoutMs: 5000 },
    limits: { dailyRecipients: 4 },
  });
  alice = (await t.provision('alice')).address;
  bob = (await t.provision('bob')).address;
  carol = (await t.provision('carol')).address;
  dave = (await t.provision('dave')).address;
  ctx = { db: t.server.db, cfg: t.cfg, actor: 'operator:test' };
});
afterAll(async () => {
  await t?.close();
  await closeSmtpSink(sink);
  await dns?.close();
});

const subjectsOf = (address: string, folder = 'INBOX') => folderContent(t.server.db, address, folder).map((m) => /^Subject: (.*)$/m.exec(m.raw)?.[1]);

async function submit(from: string, to: string, subject: string): Promise<void> {
  const s = t.smtp(from);
  await s.sendMail({ from, to, subject, text: 'Текст письма.' });
  s.close();
}

describe('forwarding', () => {
  it('delivers to a local target and keeps a copy', async () => {
    setForwarding(ctx, { address: alice, to: [bob], keep: true });
    await submit(carol, alice, 'local keep');
    expect(subjectsOf(alice)).toContain('local keep');
    const atBob = folderContent(t.server.db, bob, 'INBOX').find((m) => m.raw.includes('Subject: local keep'));
    expect(atBob?.raw).toMatch(/^Delivered-To: alice@example\.org\r\n/);
  });

  it('delivers to a local and an outside target and keeps no copy; the outside one is not counted toward a daily limit', async () => {
    setForwarding(ctx, { address: alice, to: [bob, 'clerk@gov.test'], keep: false });
    // Five forwarded copies of messages carol sent: her daily limit (4) counts her own four recipients only.
    await submit(carol, alice, 'no keep 1');
    await submit(carol, alice, 'no keep 2');
    expect(subjectsOf(alice)).not.toContain('no keep 1');
    expect(subjectsOf(bob)).toEqual(expect.arrayContaining(['no keep 1', 'no keep 2']));
    const out = await until('the outside copy', () => received.find((r) => r.raw.includes('Subject: no keep 2')));
    expect(out.to).toEqual(['clerk@gov.test']);
    // A sender of a served domain needs no rewriting: SPF is this server's own.
    expect(out.from).toBe(carol);
    expect(out.raw).toMatch(/^Delivered-To: alice@example\.org\r\n/m);
    await submit(carol, bob, 'third recipient of carol today');
  });

  it('rewrites an outside sender with SRS when forwarding mail that came in on MX', async () => {
    setForwarding(ctx, { address: alice, to: ['clerk@gov.test'], keep: true });
    const mx = nodemailer.createTransport({ host: '127.0.0.1', port: mxPort, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, name: 'mx.remote.test' });
    await mx.sendMail({ envelope: { from: 'person@remote.test', to: [alice] }, from: 'person@remote.test', to: alice, subject: 'from outside', text: 'x' });
    mx.close();
    const out = await until('the forwarded copy', () => received.find((r) => r.raw.includes('Subject: from outside')));
    expect(out.from).toMatch(/^SRS0=[^=]{4}=[A-Z2-7]{2}=remote\.test=person@example\.org$/);
    expect(srsReverse({ secret: serverSecret(t.server.db, 'srs')!, address: out.from, now: Date.now(), maxDays: 21 })).toBe('person@remote.test');
    expect(subjectsOf(alice)).toContain('from outside');
  });

  it('sends a bounce to the SRS address on to the original sender, and refuses anything else sent there', async () => {
    setForwarding(ctx, { address: alice, to: ['clerk@gov.test'], keep: true });
    const mx = nodemailer.createTransport({ host: '127.0.0.1', port: mxPort, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, name: 'mx.remote.test' });
    await mx.sendMail({ envelope: { from: 'official@gov.test', to: [alice] }, from: 'official@gov.test', to: alice, subject: 'will bounce', text: 'x' });
    const out = await until('the forwarded copy', () => received.find((r) => r.raw.includes('Subject: will bounce')));
    expect(out.from).toMatch(/^SRS0=.*=gov\.test=official@example\.org$/);
    const bounce = 'From: MAILER-DAEMON@gov.test\r\nTo: ' + out.from + '\r\nSubject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n\r\nclerk@gov.test: mailbox full\r\n';
    await mx.sendMail({ envelope: { from: '', to: [out.from] }, raw: bounce });
    const back = await until('the returned bounce', () => received.find((r) => r.raw.includes('Subject: Undelivered Mail Returned to Sender')));
    expect(back.to).toEqual(['official@gov.test']);
    expect(back.from).toBe('');
    const err = await mx.sendMail({ envelope: { from: 'spammer@remote.test', to: [out.from] }, raw: 'Subject: relay me\r\n\r\nx\r\n' }).catch((e: { response?: string }) => e);
    expect((err as { response?: string }).response).toMatch(/^550 5\.1\.1/);
    mx.close();
  });

  it('stops a loop between two mailboxes; the message stays where the loop closed', async () => {
    setForwarding(ctx, { address: alice, to: [bob], keep: false });
    setForwarding(ctx, { address: bob, to: [alice], keep: false });
    await submit(dave, alice, 'round and round');
    const atAlice = folderContent(t.server.db, alice, 'INBOX').filter((m) => m.raw.includes('Subject: round and round'));
    expect(atAlice).toHaveLength(1);
    expect(atAlice[0]!.raw).toMatch(/^Delivered-To: bob@example\.org\r\nDelivered-To: alice@example\.org\r\n/);
    expect(subjectsOf(bob)).not.toContain('round and round');
    const loops = t.server.db.prepare(`SELECT details FROM audit_events WHERE action = 'forward.loop'`).all() as Array<{ details: string }>;
    expect(loops.length).toBeGreaterThanOrEqual(1);
    stopForwarding(ctx, bob);
  });

  it('refuses bad targets and audits every change', () => {
    expect(() => setForwarding(ctx, { address: alice, to: [alice], keep: true })).toThrow(/cannot forward to itself/);
    expect(() => setForwarding(ctx, { address: alice, to: ['nobody@example.org'], keep: true })).toThrow(/no usable mailbox/);
    expect(() => setForwarding(ctx, { address: alice, to: ['not an address'], keep: true })).toThrow(/not an e-mail address/);
    stopForwarding(ctx, alice);
    expect(() => stopForwarding(ctx, alice)).toThrow(/no forwarding/);
    const actions = (t.server.db.prepare(`SELECT action FROM audit_events WHERE action LIKE 'mailbox.forward.%' AND subject = ?`).all(`mailbox:${alice}`) as Array<{ action: string }>).map((r) => r.action);
    expect(actions.filter((a) => a === 'mailbox.forward.set').length).toBe(5);
    expect(actions.filter((a) => a === 'mailbox.forward.off').length).toBe(1);
  });
});
