/**
 * SMTP submission as clients meet it (nodemailer over implicit TLS against the
 * whole server): delivery into another mailbox's INBOX, and every refusal of the
 * service rules with its exact reply code and a readable text.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { SentMessageInfo } from 'nodemailer';
import { startTestServer, serverWith, type TestServer, PASSWORD } from '../helpers/server.js';

let t: TestServer;
let alice: string;
let bob: string;

beforeAll(async () => ([t, alice, bob] = await serverWith('alice', 'bob')));
afterAll(async () => t?.close());

async function refusal(p: Promise<unknown>): Promise<{ code: number; response: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { responseCode?: number; response?: string; message: string };
    return { code: err.responseCode ?? 0, response: err.response ?? err.message };
  }
  throw new Error('expected a refusal');
}

describe('SMTP submission (RFC 6409 on implicit TLS, RFC 8314)', () => {
  it('delivers into the recipient INBOX: size, uid, flags, parsed fields, trace fields', async () => {
    const s = t.smtp(alice);
    const info = (await s.sendMail({ from: alice, to: bob, subject: 'Налоговое уведомление', text: 'Здравствуйте!' })) as SentMessageInfo;
    s.close();
    expect(info.response).toMatch(/^250 2\.0\.0 Message accepted for delivery: queued as [A-Z0-9]+$/);
    const db = t.server.db;
    const row = db
      .prepare(
        `SELECT m.uid, m.size, m.flags, m.keywords, b.size AS bsize, s.subject FROM messages m
         JOIN folders f ON f.id = m.folder_id JOIN mailboxes x ON x.id = f.mailbox_id
         JOIN blobs b ON b.id = m.blob_id JOIN blob_search s ON s.blob_id = b.id
         WHERE x.address = ? AND f.name = 'INBOX'`,
      )
      .get(bob) as { uid: number; size: number; flags: number; keywords: string; bsize: number; subject: string };
    expect(row).toMatchObject({ uid: 1, flags: 0, keywords: '', subject: 'налоговое уведомление' });
    expect(row.size).toBe(row.bsize);
    const c = await t.imap(bob);
    const lock = await c.getMailboxLock('INBOX');
    const m = await c.fetchOne('1', { source: true, envelope: true, size: true });
    lock.release();
    await c.logout();
    expect(m && m.size).toBe(row.size);
    const src = m && m.source ? m.source.toString() : '';
    expect(src).toMatch(/^Received: from \S+ \(\[127\.0\.0\.1\]\)\r\n\tby mail\.example\.org \(gospochta\) with ESMTPSA id [A-Z0-9]+\r\n\t\(version=TLSv1\.[23]\) \(authenticated user alice@example\.org\)/);
    expect(m && m.envelope?.subject).toBe('Налоговое уведомление');
  });

  it('refuses MAIL without AUTH (530)', async () => {
    const s = t.smtp(alice, PASSWORD, { auth: undefined });
    const r = await refusal(s.sendMail({ from: alice, to: bob, subject: 'x', text: 'x' }));
    s.close();
    expect(r.code).toBe(530);
  });

  it('refuses a wrong password with 535 5.7.8, never saying whether the address exists', async () => {
    for (const user of [alice, 'nobody@example.org']) {
      const s = t.smtp(user, 'Wrong-Password-1');
      const r = await refusal(s.verify());
      s.close();
      expect(r.response).toBe('535 5.7.8 Authentication credentials invalid');
    }
  });

  it('refuses a spoofed envelope sender and a spoofed From: with 553 5.7.1', async () => {
    const s = t.smtp(alice);
    const env = await refusal(s.sendMail({ envelope: { from: bob, to: [bob] }, from: alice, to: bob, subject: 'x', text: 'x' }));
    expect(env.code).toBe(553);
    expect(env.response).toBe(`553 5.7.1 Sender address <${bob}> is not the authenticated mailbox <${alice}>; send from your own address`);
    const hdr = await refusal(s.sendMail({ envelope: { from: alice, to: [bob] }, from: bob, to: bob, subject: 'x', text: 'x' }));
    s.close();
    expect(hdr.code).toBe(553);
    expect(hdr.response).toMatch(/^553 5\.7\.1 The From: header \(.*bob@example\.org.*\) must be the authenticated mailbox <alice@example\.org>$/);
  });

  it('refuses an unknown local recipient (550 5.1.1) and other domains (550 5.7.1)', async () => {
    const s = t.smtp(alice);
    const unknown = await refusal(s.sendMail({ from: alice, to: 'nobody@example.org', subject: 'x', text: 'x' }));
    expect(unknown.response).toBe('550 5.1.1 No such mailbox here: <nobody@example.org>');
    const other = await refusal(s.sendMail({ from: alice, to: 'someone@gmail.com', subject: 'x', text: 'x' }));
    s.close();
    expect(other.response).toBe('550 5.7.1 Delivery to other domains is not enabled on this server: <someone@gmail.com> cannot be reached');
  });

  it('takes at most 100 recipients (452 4.5.3) and 200 a day (550 5.4.5 with the time)', async () => {
    const many = await t.provisionMany('r', 101);
    const sender = (await t.provision('carol')).address;
    const s = t.smtp(sender);
    const first = (await s.sendMail({ from: sender, to: many, subject: 'one', text: 'x' })) as SentMessageInfo;
    expect(first.accepted).toHaveLength(100);
    expect(first.rejected).toEqual([many[100]]);
    expect(first.rejectedErrors?.[0]?.response).toBe('452 4.5.3 Too many recipients: at most 100 per message');
    const second = (await s.sendMail({ from: sender, to: many.slice(0, 100), subject: 'two', text: 'x' })) as SentMessageInfo;
    expect(second.accepted).toHaveLength(100); // 200 in 24 hours: the 200th is accepted
    const third = await refusal(s.sendMail({ from: sender, to: many[0]!, subject: 'three', text: 'x' }));
    s.close();
    expect(third.code).toBe(550);
    expect(third.response).toMatch(/^550 5\.4\.5 Daily sending limit reached: at most 200 recipients in 24 hours; the next message can be sent after \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    const journal = t.server.db.prepare(`SELECT count(*) AS n FROM audit_events WHERE action = 'submission.refused' AND details LIKE '%daily_limit%'`).get() as { n: number };
    expect(journal.n).toBe(1);
  }, 120_000);

  it('stores a message to 50 recipients once', async () => {
    const rcpts = await t.provisionMany('fifty', 50);
    const before = t.server.db.prepare('SELECT (SELECT count(*) FROM blobs) AS blobs, (SELECT count(*) FROM messages) AS msgs').get() as { blobs: number; msgs: number };
    const s = t.smtp(alice);
    await s.sendMail({ from: alice, to: rcpts, subject: 'to fifty', text: 'one blob' });
    s.close();
    const after = t.server.db.prepare('SELECT (SELECT count(*) FROM blobs) AS blobs, (SELECT count(*) FROM messages) AS msgs').get() as { blobs: number; msgs: number };
    expect(after.msgs - before.msgs).toBe(50);
    expect(after.blobs - before.blobs).toBe(1);
    const ref = t.server.db.prepare(`SELECT b.refcount FROM blobs b JOIN blob_search s ON s.blob_id = b.id WHERE s.subject = 'to fifty'`).get() as { refcount: number };
    expect(ref.refcount).toBe(50);
  }, 60_000);

  it('locks a mailbox after 5 failures within 15 minutes: 454 4.7.0 even with the right password', async () => {
    const { address } = await t.provision('dave');
    for (let i = 0; i < 5; i++) {
      const s = t.smtp(address, 'Wrong-Password-1');
      expect((await refusal(s.verify())).code).toBe(535);
      s.close();
    }
    const s = t.smtp(address);
    const r = await refusal(s.verify());
    s.close();
    expect(r.code).toBe(454);
    expect(r.response).toMatch(/^454 4\.7\.0 Temporary authentication failure: .*try again later/);
    const rows = t.server.db.prepare(`SELECT action, outcome FROM audit_events WHERE subject = ? AND action IN ('login','lockout') ORDER BY id`).all(`mailbox:${address}`) as Array<{ action: string; outcome: string }>;
    expect(rows.filter((x) => x.action === 'login' && x.outcome === 'failed')).toHaveLength(5);
    expect(rows.filter((x) => x.action === 'lockout')).toHaveLength(1);
  });
});

describe('size and attachment rules', () => {
  let u: TestServer;
  let from: string;
  let to: string;
  beforeAll(async () => {
    u = await startTestServer();
    from = (await u.provision('big')).address;
    to = (await u.provision('bigger')).address;
  });
  afterAll(async () => u?.close());

  it('accepts attachments of 25 MiB minus one byte and refuses 25 MiB plus one with 552 5.3.4', async () => {
    const s = u.smtp(from);
    const ok = (await s.sendMail({ from, to, subject: 'fits', text: 'see attached', attachments: [{ filename: 'a.bin', content: Buffer.alloc(26_214_399, 7) }] })) as SentMessageInfo;
    expect(ok.response).toMatch(/^250 /);
    const r = await refusal(s.sendMail({ from, to, subject: 'too big', text: 'see attached', attachments: [{ filename: 'a.bin', content: Buffer.alloc(26_214_401, 7) }] }));
    s.close();
    expect(r.response).toBe('552 5.3.4 Message refused: attachments total 26214401 bytes (25.0 MiB), over the limit of 26214400 bytes (25 MiB) per message');
    const n = u.server.db.prepare(`SELECT count(*) AS n FROM blob_search WHERE subject IN ('fits', 'too big')`).get() as { n: number };
    expect(n.n).toBe(1);
  }, 120_000);

  it('advertises SIZE and refuses a message over it with 552 5.3.4', async () => {
    const small = await startTestServer({ smtp: { port: 0, maxMessageBytes: 100_000 } });
    try {
      const a = (await small.provision('small1')).address;
      const b = (await small.provision('small2')).address;
      const s = small.smtp(a);
      const r = await refusal(s.sendMail({ from: a, to: b, subject: 'big', text: 'x'.repeat(200_000) }));
      s.close();
      expect(r.code).toBe(552);
      expect(r.response).toMatch(/^552 /);
    } finally {
      await small.close();
    }
  });
});
