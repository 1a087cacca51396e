/**
 * Submission on port 587 with STARTTLS (RFC 6409, RFC 3207, RFC 8314 §3.3): before
 * STARTTLS nothing but EHLO, STARTTLS, NOOP and QUIT is of use — no AUTH offered
 * or accepted, no MAIL; after it exactly the rules of port 465.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import nodemailer from 'nodemailer';
import { startTestServer, type TestServer, PASSWORD } from '../helpers/server.js';
import { freePort } from '../helpers/child-server.js';
import { RawSmtp } from '../helpers/smtp-raw.js';

let t: TestServer;
let port: number;
let alice: string;
let bob: string;

beforeAll(async () => {
  port = await freePort();
  t = await startTestServer({ submission: { port } });
  alice = (await t.provision('alice')).address;
  bob = (await t.provision('bob')).address;
});
afterAll(async () => t?.close());

const client = (user: string, pass = PASSWORD) =>
  nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user, pass } });

describe('submission on 587 (STARTTLS)', () => {
  it('offers STARTTLS and no AUTH before it; refuses AUTH and MAIL in the clear', async () => {
    const c = await RawSmtp.openPlain(port);
    const ehlo = await c.cmd('EHLO client.example');
    expect(ehlo.text).toMatch(/250[- ]STARTTLS/);
    expect(ehlo.text).not.toMatch(/AUTH/);
    const auth = await c.cmd(`AUTH PLAIN ${Buffer.from(`\0${alice}\0${PASSWORD}`).toString('base64')}`);
    expect(auth.code).toBeGreaterThanOrEqual(500);
    expect((await c.cmd(`MAIL FROM:<${alice}>`)).code).toBe(530);
    c.close();
  });

  it('delivers after STARTTLS and AUTH, with the trace field of an authenticated TLS submission', async () => {
    const s = client(alice);
    const info = await s.sendMail({ from: alice, to: bob, subject: 'через 587', text: 'Здравствуйте' });
    s.close();
    expect(info.response).toMatch(/^250 2\.0\.0 Message accepted for delivery/);
    const row = t.server.db.prepare(`SELECT count(*) AS n FROM blob_search WHERE subject = 'через 587'`).get() as { n: number };
    expect(row.n).toBe(1);
  });

  it('applies the rules of 465: wrong password 535, spoofed From: 553 5.7.1', async () => {
    const bad = client(alice, 'Wrong-Password-1');
    const e1 = await bad.sendMail({ from: alice, to: bob, subject: 'x', text: 'x' }).catch((e: unknown) => e as { responseCode?: number });
    bad.close();
    expect((e1 as { responseCode?: number }).responseCode).toBe(535);
    const s = client(alice);
    const e2 = await s.sendMail({ envelope: { from: alice, to: [bob] }, from: bob, to: bob, subject: 'x', text: 'x' }).catch((e: unknown) => e as { responseCode?: number; response?: string });
    s.close();
    expect((e2 as { responseCode?: number }).responseCode).toBe(553);
    expect((e2 as { response?: string }).response).toMatch(/^553 5\.7\.1 The From: header/);
  });
});
