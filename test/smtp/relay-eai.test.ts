/**
 * The same rules on all three SMTP ports (465 implicit TLS, 587 STARTTLS, 25 MX):
 *   - no open relay: unauthenticated mail on 465 and 587 is refused (530), the MX
 *     takes only served domains, and an authenticated sender with the queue off
 *     cannot relay with the old tricks (RFC 5321 §3.6.1 source routes and the
 *     `%` hack, quoted local parts, look-alike domains);
 *   - SMTPUTF8 (RFC 6531) and 8BITMIME (RFC 6152) offered on every port, and a
 *     message with raw UTF-8 in its header and 8-bit body stored byte for byte;
 *     on the way out a UTF-8 envelope or a UTF-8 header goes with SMTPUTF8
 *     (RFC 6531 §3.4) and the 8-bit body with BODY=8BITMIME, the bytes unchanged;
 *     to a server that does not offer SMTPUTF8 such a message is not sent: the
 *     recipient fails (5.6.7 for a UTF-8 address, 5.6.9 for a UTF-8 header,
 *     RFC 6531 §3.2) and the sender gets a report saying why.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { SMTPServer } from 'smtp-server';
import { startSmtpSink, closeSmtpSink } from '../helpers/smtp-sink.js';
import { startTestServer, type TestServer, PASSWORD } from '../helpers/server.js';
import { freePort } from '../helpers/child-server.js';
import { RawSmtp } from '../helpers/smtp-raw.js';
import { readBlob } from '../../src/store/blobs.js';
import { until } from '../helpers/mailbox-content.js';

let closed: TestServer;
let open: TestServer;
const ports = { closed: { smtp: 0, submission: 0, mx: 0 }, open: { smtp: 0, submission: 0, mx: 0 } };
let sink: SMTPServer;
/** A remote server without SMTPUTF8. */
let asciiSink: SMTPServer;
const received: Array<{ from: string; to: string[]; args: Record<string, unknown>; raw: Buffer }> = [];
let alice: string;
let bob: string;
let carol: string;

async function ports3() {
  return { smtp: await freePort(), submission: await freePort(), mx: await freePort() };
}

beforeAll(async () => {
  const sinkPort = await freePort();
  const asciiPort = await freePort();
  asciiSink = await startSmtpSink({ port: asciiPort, server: { hideSMTPUTF8: true }, onMessage: () => {} });
  sink = await startSmtpSink({ port: sinkPort, onMessage: (m) => received.push({ from: m.from, to: m.to, args: m.args, raw: m.raw }) });
  ports.closed = await ports3();
  ports.open = await ports3();
  closed = await startTestServer({ smtp: { port: ports.closed.smtp }, submission: { port: ports.closed.submission }, mx: { port: ports.closed.mx } });
  open = await startTestServer({
    smtp: { port: ports.open.smtp },
    submission: { port: ports.open.submission },
    mx: { port: ports.open.mx },
    outbound: { enabled: true, routes: { 'remote.test': `127.0.0.1:${sinkPort}`, 'ascii.test': `127.0.0.1:${asciiPort}` }, pollMs: 200, timeoutMs: 5000 },
  });
  alice = (await closed.provision('alice')).address;
  bob = (await open.provision('bob')).address;
  carol = (await open.provision('carol')).address;
});
afterAll(async () => {
  await closed?.close();
  await open?.close();
  await closeSmtpSink(sink);
  await closeSmtpSink(asciiSink);
});


type Port = 'smtp' | 'submission' | 'mx';
/** A session on one port, TLS up and EHLO said; `user` logs in (465 and 587). */
async function session(p: typeof ports.closed, port: Port, user?: string): Promise<{ c: RawSmtp; ehlo: string }> {
  const c = port === 'smtp' ? await RawSmtp.open(p.smtp) : port === 'submission' ? await RawSmtp.openStartTls(p.submission) : await RawSmtp.openPlain(p.mx);
  const ehlo = (await c.cmd('EHLO client.example')).text;
  if (user) expect((await c.cmd(`AUTH PLAIN ${Buffer.from(`\0${user}\0${PASSWORD}`).toString('base64')}`)).code).toBe(235);
  return { c, ehlo };
}

const TRICKS: Array<[string, RegExp]> = [
  ['<victim@gmail.test>', /^550 5\.7\.1 /],
  ['<victim%gmail.test@example.org>', /^550 5\.1\.1 /],
  ['<@example.org:victim@gmail.test>', /^5\d\d /],
  ['<"victim@gmail.test"@example.org>', /^5\d\d /],
  ['<"victim%gmail.test"@example.org>', /^5\d\d /],
  ['<victim@gmail.test@example.org>', /^5\d\d /],
  ['<bob@exаmple.org>', /^5\d\d /], // Cyrillic "а"
  ['<bob@xn--exmple-4nf.org>', /^5\d\d /], // the same look-alike as an A-label
  ['<victim@[127.0.0.1]>', /^5\d\d /],
  ['<victim@gmail.test.>', /^5\d\d /],
];

describe('no relay on any port', () => {
  it('465 and 587 refuse mail without authentication (530), 25 refuses other domains (550 5.7.1)', async () => {
    for (const port of ['smtp', 'submission'] as const) {
      const { c } = await session(ports.closed, port);
      expect((await c.cmd('MAIL FROM:<a@remote.test>')).code, port).toBe(530);
      expect((await c.cmd('RCPT TO:<victim@gmail.test>')).code, port).toBeGreaterThanOrEqual(500);
      c.close();
    }
    const { c } = await session(ports.closed, 'mx');
    expect((await c.cmd('MAIL FROM:<a@remote.test>')).code).toBe(250);
    for (const [rcpt, re] of TRICKS) expect((await c.cmd(`RCPT TO:${rcpt}`)).text, rcpt).toMatch(re);
    c.close();
  });

  it('an authenticated sender cannot relay through tricks when the queue is off (465 and 587)', async () => {
    for (const port of ['smtp', 'submission'] as const) {
      const { c } = await session(ports.closed, port, alice);
      expect((await c.cmd(`MAIL FROM:<${alice}>`)).code, port).toBe(250);
      for (const [rcpt, re] of TRICKS) expect((await c.cmd(`RCPT TO:${rcpt}`)).text, `${port} ${rcpt}`).toMatch(re);
      c.close();
    }
  });
});

/** Raw UTF-8 in the header (RFC 6532) and an 8-bit body. */
const message = (from: string, to: string, n: string) =>
  [`From: Алиса Петрова <${from}>`, `To: <${to}>`, `Subject: Заявление №${n} — ёлка`, `Message-ID: <eai-${n}@example.org>`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', `Прошу рассмотреть заявление №${n}. Ünïcödé ✓`, ''].join('\r\n');

function storedTo(t: TestServer, address: string, n: string): Buffer | undefined {
  const r = t.server.db
    .prepare(`SELECT m.blob_id FROM messages m JOIN folders f ON f.id = m.folder_id JOIN mailboxes b ON b.id = f.mailbox_id JOIN blob_search s ON s.blob_id = m.blob_id WHERE b.address = ? AND s.subject LIKE ?`)
    .get(address, `%№${n} %`) as { blob_id: number } | undefined;
  return r ? readBlob(t.server.db, r.blob_id) : undefined;
}

describe('SMTPUTF8 and 8BITMIME', () => {
  it('are offered on every port and a UTF-8, 8-bit message is stored byte for byte', async () => {
    let n = 0;
    for (const port of ['smtp', 'submission', 'mx'] as const) {
      const { c, ehlo } = await session(ports.open, port, port === 'mx' ? undefined : bob);
      expect(ehlo, port).toMatch(/^250[- ]SMTPUTF8$/m);
      expect(ehlo, port).toMatch(/^250[- ]8BITMIME$/m);
      const id = `${++n}`;
      const from = port === 'mx' ? 'writer@remote.test' : bob;
      expect((await c.cmd(`MAIL FROM:<${from}> SMTPUTF8 BODY=8BITMIME`)).code, port).toBe(250);
      expect((await c.cmd(`RCPT TO:<${carol}>`)).code, port).toBe(250);
      const text = message(from, carol, id);
      expect((await c.data(text)).code, port).toBe(250);
      c.close();
      const stored = await until(`stored via ${port}`, () => storedTo(open, carol, id));
      // Trace fields go on top (RFC 5321 §4.4); the message itself is unchanged.
      expect(stored.subarray(stored.length - Buffer.byteLength(text)).equals(Buffer.from(text, 'utf8')), port).toBe(true);
    }
  });

  it('on the way out: SMTPUTF8 for a UTF-8 address or header, BODY=8BITMIME for an 8-bit body, bytes unchanged', async () => {
    for (const port of ['smtp', 'submission'] as const) {
      const to = port === 'smtp' ? 'получатель@remote.test' : 'clerk@remote.test';
      const { c } = await session(ports.open, port, bob);
      expect((await c.cmd(`MAIL FROM:<${bob}> SMTPUTF8 BODY=8BITMIME`)).code, port).toBe(250);
      expect((await c.cmd(`RCPT TO:<${to}>`)).text, port).toMatch(/^250 /);
      const text = message(bob, to, `out-${port}`);
      expect((await c.data(text)).code, port).toBe(250);
      c.close();
      const got = await until(`delivery via ${port}`, () => received.find((r) => r.to.includes(to)));
      expect(got.args.BODY, port).toBe('8BITMIME');
      // 465 sends to a UTF-8 address; 587 to an ASCII one, the header alone holding UTF-8 (RFC 6531 §3.4).
      expect(got.args.SMTPUTF8, port).toBe(true);
      expect(got.raw.subarray(got.raw.length - Buffer.byteLength(text)).equals(Buffer.from(text, 'utf8')), port).toBe(true);
    }
  });

  it('to a server without SMTPUTF8: not sent, the recipient fails with 5.6.7 or 5.6.9 and a report says why', async () => {
    for (const [to, code] of [['clerk@ascii.test', '5.6.9'], ['делопроизводитель@ascii.test', '5.6.7']] as const) {
      const { c } = await session(ports.open, 'submission', bob);
      expect((await c.cmd(`MAIL FROM:<${bob}> SMTPUTF8 BODY=8BITMIME`)).code).toBe(250);
      expect((await c.cmd(`RCPT TO:<${to}>`)).code).toBe(250);
      expect((await c.data(message(bob, to, `ascii-${code}`))).code).toBe(250);
      c.close();
      const row = await until(`bounce of ${to}`, () => open.server.db.prepare(`SELECT status, last_error FROM outbound_queue WHERE recipient = ? AND status = 'bounced'`).get(to) as { status: string; last_error: string } | undefined);
      expect(row.last_error).toContain(`${code} the message has`);
      expect(row.last_error).toMatch(/does not offer SMTPUTF8 \(RFC 6531 §3\.2\)/);
      const report = await until(`report for ${to}`, () =>
        open.server.db
          .prepare(`SELECT s.body FROM messages m JOIN folders f ON f.id = m.folder_id JOIN mailboxes b ON b.id = f.mailbox_id JOIN blob_search s ON s.blob_id = m.blob_id WHERE b.address = ? AND f.name = 'INBOX' AND s.body LIKE ?`)
          .get(bob, `%${to}%`) as { body: string } | undefined,
      );
      expect(report.body).toContain(code);
      expect(report.body).toMatch(/does not offer smtputf8/i);
    }
  });
});
