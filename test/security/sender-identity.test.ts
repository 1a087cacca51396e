/**
 * The sender inside the message is the authenticated mailbox (RFC 6409 §8.1,
 * RFC 5322 §3.6): each way of naming someone else is refused with 553 5.7.1 and
 * the reason, and nothing is delivered. AUTH PLAIN acting as another user is
 * refused (RFC 4616 §2).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { serverWith, type TestServer, PASSWORD } from '../helpers/server.js';
import { RawSmtp } from '../helpers/smtp-raw.js';

let t: TestServer;
let alice: string;
let bob: string;

beforeAll(async () => ([t, alice, bob] = await serverWith('alice', 'bob')));
afterAll(async () => t?.close());

async function submit(headers: string): Promise<{ code: number; text: string }> {
  const s = await RawSmtp.open(t.server.smtpPort);
  try {
    expect((await s.login(alice, PASSWORD)).code).toBe(235);
    expect((await s.cmd(`MAIL FROM:<${alice}>`)).code).toBe(250);
    expect((await s.cmd(`RCPT TO:<${bob}>`)).code).toBe(250);
    return await s.data(`${headers}To: ${bob}\r\nSubject: identity probe\r\n\r\nbody\r\n`);
  } finally {
    s.close();
  }
}

describe('the sender named in the message', () => {
  const refused: Array<[string, string, RegExp]> = [
    ['a second From: field', `From: ${'alice@example.org'}\r\nFrom: bob@example.org\r\n`, /has 2 From: fields; exactly one is allowed/],
    ['two addresses in one From:', 'From: alice@example.org, bob@example.org\r\n', /must name exactly one address/],
    ['a group in From:', 'From: team: alice@example.org;\r\n', /must name exactly one address/],
    ['Sender: another mailbox', 'From: alice@example.org\r\nSender: bob@example.org\r\n', /The Sender: header .*bob@example\.org.* must be the authenticated mailbox <alice@example\.org>/],
    ['two Sender: fields', 'From: alice@example.org\r\nSender: alice@example.org\r\nSender: alice@example.org\r\n', /2 Sender: fields/],
    ['a display name that is another address', 'From: "bob@example.org" <alice@example.org>\r\n', /display name of the From: field .*names another address/],
    ['the address inside a longer display name', 'From: "Bob (bob@example.org)" <alice@example.org>\r\n', /names another address/],
    ['an encoded-word display name', 'From: =?UTF-8?B?Ym9iQGV4YW1wbGUub3Jn?= <alice@example.org>\r\n', /names another address/],
    ['a full-width at sign', `From: "bob\u{ff20}example.org" <alice@example.org>\r\n`, /names another address/],
    ['a comment naming another address', 'From: alice@example.org (bob@example.org)\r\n', /names another address/],
    ['no From: at all', '', /has no From: header/],
  ];
  for (const [name, headers, reason] of refused) {
    it(`refuses ${name} with 553 5.7.1`, async () => {
      const r = await submit(headers);
      expect(r.code, r.text).toBe(553);
      expect(r.text).toMatch(/^553 5\.7\.1 /);
      expect(r.text).toMatch(reason);
    });
  }

  it('accepts the own address with a plain name, its own address as name, and Sender: itself', async () => {
    expect((await submit('From: "Алиса Иванова" <alice@example.org>\r\n')).code).toBe(250);
    expect((await submit('From: "alice@example.org" <alice@example.org>\r\nSender: alice@example.org\r\n')).code).toBe(250);
    expect((await submit('From: =?UTF-8?B?0JDQu9C40YHQsA==?= <ALICE@example.org>\r\n')).code).toBe(250);
  });

  it('delivered nothing it refused, and journalled each refusal', () => {
    const n = (t.server.db.prepare(`SELECT count(*) AS n FROM blob_search WHERE subject = 'identity probe'`).get() as { n: number }).n;
    expect(n).toBe(3);
    const rows = t.server.db.prepare(`SELECT details FROM audit_events WHERE action = 'submission.refused' AND subject = ?`).all(`mailbox:${alice}`) as Array<{ details: string }>;
    expect(rows.length).toBe(refused.length);
    for (const r of rows) expect(JSON.parse(r.details)).toMatchObject({ reason: 'sender_mismatch', check: 'header' });
  });
});

describe('AUTH PLAIN authorization identity (RFC 4616 §2)', () => {
  it('refuses acting as another user with 535, accepts authzid equal to the user or empty', async () => {
    const s = await RawSmtp.open(t.server.smtpPort);
    const r = await s.login(alice, PASSWORD, bob);
    expect(r.code).toBe(535);
    expect(r.text).toMatch(/^535 5\.7\.8 /);
    s.close();
    const same = await RawSmtp.open(t.server.smtpPort);
    expect((await same.login(alice, PASSWORD, alice)).code).toBe(235);
    same.close();
    const none = await RawSmtp.open(t.server.smtpPort);
    expect((await none.login(alice, PASSWORD)).code).toBe(235);
    none.close();
  });
});
