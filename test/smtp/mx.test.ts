/**
 * Inbound mail from other servers on the MX port (RFC 5321), as a remote server
 * sends it: nodemailer over STARTTLS (RFC 3207) from 127.0.0.1, the remote
 * domains' SPF, DKIM and DMARC records served by a test DNS server with keys made
 * here, so mailauth checks them for real.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startTestDns, type TestDns } from '../helpers/dns.js';
import { freePort } from '../helpers/child-server.js';
import { RawSmtp } from '../helpers/smtp-raw.js';
import { connect } from 'node:net';

let t: TestServer;
let dns: TestDns;
let mxPort: number;
let bob: string;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const pub = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

beforeAll(async () => {
  dns = await startTestDns({
    'remote.test': 'v=spf1 ip4:127.0.0.1 -all',
    'sel._domainkey.remote.test': `v=DKIM1; k=rsa; p=${pub}`,
    '_dmarc.remote.test': 'v=DMARC1; p=reject',
    'bank.test': 'v=spf1 ip4:192.0.2.1 -all',
    '_dmarc.bank.test': 'v=DMARC1; p=reject',
    'shop.test': 'v=spf1 ip4:192.0.2.1 -all',
    '_dmarc.shop.test': 'v=DMARC1; p=quarantine',
  });
  mxPort = await freePort();
  t = await startTestServer({ mx: { port: mxPort, maxConnectionsPerIp: 20, messagesPerIpPerMinute: 1000, maxRecipients: 100 }, dns: { servers: [dns.address] } });
  bob = (await t.provision('bob')).address;
});
afterAll(async () => {
  await t?.close();
  await dns?.close();
});

const remote = (extra: Record<string, unknown> = {}) =>
  nodemailer.createTransport({ host: '127.0.0.1', port: mxPort, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, name: 'mx.remote.test', ...extra });

function stored(subject: string): Array<{ folder: string; raw: string }> {
  const rows = t.server.db
    .prepare(`SELECT f.name AS folder, m.blob_id AS blob FROM messages m JOIN folders f ON f.id = m.folder_id JOIN blob_search s ON s.blob_id = m.blob_id WHERE s.subject = ?`)
    .all(subject) as Array<{ folder: string; blob: number }>;
  return rows.map((r) => {
    const chunks = t.server.db.prepare('SELECT data FROM blob_chunks WHERE blob_id = ? ORDER BY seq').all(r.blob) as Array<{ data: Buffer }>;
    return { folder: r.folder, raw: Buffer.concat(chunks.map((c) => c.data)).toString('utf8') };
  });
}

describe('inbound MX (RFC 5321, STARTTLS, no AUTH)', () => {
  it('delivers a DKIM-signed message from a remote domain into INBOX with dkim=pass, spf=pass, dmarc=pass', async () => {
    const s = remote({ dkim: { domainName: 'remote.test', keySelector: 'sel', privateKey: pem } });
    const info = await s.sendMail({ envelope: { from: 'tax@remote.test', to: [bob] }, from: 'Налоговая <tax@remote.test>', to: bob, subject: 'signed from remote', text: 'Уведомление' });
    s.close();
    expect(info.response).toMatch(/^250 2\.0\.0 /);
    const [m] = stored('signed from remote');
    expect(m!.folder).toBe('INBOX');
    const head = m!.raw.slice(0, m!.raw.indexOf('\r\n\r\n'));
    expect(head).toMatch(/^Received: from mx\.remote\.test \(\[127\.0\.0\.1\]\)\r\n\tby mail\.example\.org \(gospochta\) with ESMTPS id /);
    expect(head.match(/^Authentication-Results:/gm)).toHaveLength(1);
    expect(head).toMatch(/Authentication-Results: mail\.example\.org;[\s\S]*dkim=pass header\.i=@remote\.test/);
    expect(head).toMatch(/spf=pass/);
    expect(head).toMatch(/dmarc=pass/);
  });

  it('refuses a forgery of a p=reject domain with 550 5.7.1 and the reason, and stores nothing', async () => {
    const s = remote();
    const err = await s.sendMail({ envelope: { from: 'x@evil.test', to: [bob] }, from: 'Bank <security@bank.test>', to: bob, subject: 'forged bank', text: 'pay now' }).catch((e: unknown) => e as { responseCode?: number; response?: string });
    s.close();
    expect((err as { responseCode?: number }).responseCode).toBe(550);
    expect((err as { response?: string }).response).toMatch(/^550 5\.7\.1 Message refused: it fails the DMARC check of bank\.test, whose policy is reject/);
    expect(stored('forged bank')).toEqual([]);
  });

  it('puts a failed p=quarantine message into Junk', async () => {
    const s = remote();
    await s.sendMail({ envelope: { from: 'x@evil.test', to: [bob] }, from: 'shop@shop.test', to: bob, subject: 'quarantined', text: 'sale' });
    s.close();
    expect(stored('quarantined').map((m) => m.folder)).toEqual(['Junk']);
  });

  it('removes an Authentication-Results field that claims to come from this host', async () => {
    const s = remote();
    const raw = `From: friend@nodmarc.test\r\nTo: ${bob}\r\nSubject: forged results\r\nAuthentication-Results: mail.example.org; dkim=pass header.d=bank.test\r\nAuthentication-Results: other.example; spf=none\r\n\r\nhi\r\n`;
    await s.sendMail({ envelope: { from: 'friend@nodmarc.test', to: [bob] }, raw });
    s.close();
    const [m] = stored('forged results');
    const head = m!.raw.slice(0, m!.raw.indexOf('\r\n\r\n'));
    expect(head).not.toMatch(/dkim=pass header\.d=bank\.test/);
    expect(head.match(/^Authentication-Results: mail\.example\.org;/gm)).toHaveLength(1);
    expect(head).toMatch(/^Authentication-Results: other\.example; spf=none$/m);
  });

  it('is no relay: other domains 550 5.7.1, unknown mailboxes 550 5.1.1, tricks refused; no AUTH offered', async () => {
    const c = await RawSmtp.openPlain(mxPort);
    const ehlo = await c.cmd('EHLO mx.remote.test');
    expect(ehlo.text).toMatch(/STARTTLS/);
    expect(ehlo.text).not.toMatch(/AUTH/);
    expect((await c.cmd('AUTH PLAIN AGJvYgB4')).code).toBeGreaterThanOrEqual(500);
    expect((await c.cmd('MAIL FROM:<a@remote.test>')).code).toBe(250);
    const probes: Array<[string, RegExp]> = [
      ['<victim@gmail.test>', /^550 5\.7\.1 Relay access denied/],
      ['<nobody@example.org>', /^550 5\.1\.1 /],
      ['<victim%gmail.test@example.org>', /^550 5\.1\.1 /],
      ['<@example.org:victim@gmail.test>', /^5\d\d /],
      ['<"victim@gmail.test"@example.org>', /^5\d\d /], // smtp-server: 501 bad syntax
      ['<bob@exаmple.org>', /^5\d\d /], // Cyrillic "а": not a served domain
      ['<victim@gmail.test.>', /^5\d\d /],
    ];
    for (const [rcpt, re] of probes) expect((await c.cmd(`RCPT TO:${rcpt}`)).text, rcpt).toMatch(re);
    c.close();
  });

  it('limits connections from one client address (421 4.7.0)', async () => {
    const limited = await freePort();
    const u = await startTestServer({ mx: { port: limited, maxConnectionsPerIp: 2, messagesPerIpPerMinute: 1000, maxRecipients: 100 }, dns: { servers: [dns.address] } });
    try {
      const a = await RawSmtp.openPlain(limited);
      const b = await RawSmtp.openPlain(limited);
      const third = connect({ host: '127.0.0.1', port: limited });
      const greeting = await new Promise<string>((r) => third.once('data', (d: Buffer) => r(d.toString())));
      expect(greeting).toMatch(/^421 4\.7\.0 Too many connections from your address/);
      third.destroy();
      a.close();
      b.close();
    } finally {
      await u.close();
    }
  });
});
