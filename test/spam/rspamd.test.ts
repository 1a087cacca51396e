/**
 * Spam filtering with Debian's rspamd (started by the test on loopback ports):
 * GTUBE arriving on the MX port is refused with 550 5.7.1 and rspamd's reason and
 * stored nowhere; a message over the junk score lands in Junk with X-Spam-* fields,
 * a clean one in INBOX with its verdict; moving a message into Junk over IMAP
 * teaches rspamd spam and out of Junk ham (its /stat counts the lessons); with
 * rspamd down mail is still accepted and the failure counted; without the setting
 * no field is added.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { freePort } from '../helpers/child-server.js';
import { RawSmtp } from '../helpers/smtp-raw.js';
import { rspamdMissing, startRspamd, type TestRspamd } from '../helpers/rspamd.js';
import { readBlob } from '../../src/store/blobs.js';
import { metrics, METRIC } from '../../src/shared/metrics.js';

const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
const missing = rspamdMissing();
if (missing) console.log(`skipping the rspamd tests: ${missing}`);

let rspamd: TestRspamd;
let t: TestServer;
let down: TestServer;
let plain: TestServer;
const mx = { t: 0, down: 0, plain: 0 };
let alice: string;
let seq = 0;

beforeAll(async () => {
  if (missing) return;
  rspamd = await startRspamd();
  [mx.t, mx.down, mx.plain] = [await freePort(), await freePort(), await freePort()];
  t = await startTestServer({ mx: { port: mx.t }, spam: { rspamdUrl: rspamd.url, timeoutMs: 20_000 } });
  down = await startTestServer({ mx: { port: mx.down }, spam: { rspamdUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2000 } });
  plain = await startTestServer({ mx: { port: mx.plain } });
  alice = (await t.provision('alice')).address;
  await down.provision('alice');
  await plain.provision('alice');
}, 300_000);
afterAll(async () => {
  await t?.close();
  await down?.close();
  await plain?.close();
  await rspamd?.close();
});

function message(o: { subject: string; body: string; extra?: string[] }): string {
  const id = `m${++seq}.${Date.now()}@remote.test`;
  return [`From: Sender <writer@remote.test>`, `To: <alice@example.org>`, `Subject: ${o.subject}`, `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`, `Message-ID: <${id}>`, ...(o.extra ?? []), '', o.body, ''].join('\r\n');
}

/** One message over the MX port; the reply to the final dot. */
async function deliver(port: number, text: string): Promise<{ code: number; text: string }> {
  const c = await RawSmtp.openPlain(port);
  await c.cmd('EHLO mx.remote.test');
  expect((await c.cmd('MAIL FROM:<writer@remote.test>')).code).toBe(250);
  expect((await c.cmd('RCPT TO:<alice@example.org>')).code).toBe(250);
  const r = await c.data(text);
  await c.cmd('QUIT');
  c.close();
  return r;
}

function stored(s: TestServer, subject: string): { folder: string; raw: string; uid: number } | undefined {
  const r = s.server.db
    .prepare(`SELECT f.name AS folder, m.uid, m.blob_id FROM messages m JOIN folders f ON f.id = m.folder_id JOIN blob_search b ON b.blob_id = m.blob_id WHERE b.subject = ?`)
    .get(subject.toLowerCase()) as { folder: string; uid: number; blob_id: number } | undefined;
  return r ? { folder: r.folder, uid: r.uid, raw: readBlob(s.server.db, r.blob_id).toString('utf8') } : undefined;
}

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const LESSON = 'Buy cheap watches now, limited offer, click the link below to claim your amazing prize and a discount today only, dear friend';

describe.skipIf(missing !== null)('spam filtering with rspamd', () => {
  it('refuses GTUBE on the MX port with 550 5.7.1 and the reason, storing nothing', async () => {
    const before = metrics.get(METRIC.spamChecks, { outcome: 'reject' });
    const r = await deliver(mx.t, message({ subject: 'gtube test', body: GTUBE }));
    expect(r.text).toMatch(/^550 5\.7\.1 Message refused as spam: Gtube pattern/);
    expect(stored(t, 'gtube test')).toBeUndefined();
    expect(metrics.get(METRIC.spamChecks, { outcome: 'reject' })).toBe(before + 1);
  });

  it('files a message over the junk score into Junk, a clean one into INBOX, each with its verdict', async () => {
    expect((await deliver(mx.t, message({ subject: 'junk by rule', body: 'Hello.', extra: ['X-Test-Verdict: junk'] }))).code).toBe(250);
    expect((await deliver(mx.t, message({ subject: 'a clean letter', body: 'Добрый день. Направляю ответ на ваш запрос.' }))).code).toBe(250);
    const junk = stored(t, 'junk by rule')!;
    expect(junk.folder).toBe('Junk');
    expect(junk.raw).toMatch(/^X-Spam-Status: Yes, score=\d+\.\d\d required=15\.00 action=/m);
    expect(junk.raw).toMatch(/^X-Spam-Flag: YES$/m);
    expect(junk.raw).toMatch(/GP_TEST_JUNK\(8\.00\)/);
    const clean = stored(t, 'a clean letter')!;
    expect(clean.folder).toBe('INBOX');
    expect(clean.raw).toMatch(/^X-Spam-Status: No, score=-?\d+\.\d\d /m);
    expect(clean.raw).not.toMatch(/^X-Spam-Flag:/m);
  });

  it('learns spam when a message is moved into Junk over IMAP, and ham when it is moved out', async () => {
    expect((await deliver(mx.t, message({ subject: 'to be judged', body: LESSON }))).code).toBe(250);
    const before = (await rspamd.stat()).learned;
    const spamBefore = metrics.get(METRIC.spamLearned, { kind: 'spam', outcome: 'learned' });
    const imap = await t.imap(alice);
    await imap.mailboxOpen('INBOX');
    const uid = stored(t, 'to be judged')!.uid;
    expect(await imap.messageMove(String(uid), 'Junk', { uid: true })).toBeTruthy();
    // rspamd counts the lesson before its answer reaches the server, which then counts it
    // in the metric: wait for both
    const spamLearned = () => metrics.get(METRIC.spamLearned, { kind: 'spam', outcome: 'learned' });
    await until('spam lesson', async () => ((await rspamd.stat()).learned >= before + 1 && spamLearned() > spamBefore ? true : undefined));
    expect(spamLearned()).toBe(spamBefore + 1);
    await imap.mailboxOpen('Junk');
    const inJunk = stored(t, 'to be judged')!;
    expect(inJunk.folder).toBe('Junk');
    await imap.messageMove(String(inJunk.uid), 'INBOX', { uid: true });
    const hamLearned = () => metrics.get(METRIC.spamLearned, { kind: 'ham', outcome: 'learned' });
    await until('ham lesson', async () => ((await rspamd.stat()).learned >= before + 2 && hamLearned() >= 1 ? true : undefined));
    expect(hamLearned()).toBeGreaterThanOrEqual(1);
    await imap.logout();
  });

  it('accepts mail when rspamd is down, with a warning metric; adds nothing without the setting', async () => {
    const before = metrics.get(METRIC.spamChecks, { outcome: 'unavailable' });
    expect((await deliver(mx.down, message({ subject: 'while the filter is down', body: GTUBE }))).code).toBe(250);
    const kept = stored(down, 'while the filter is down')!;
    expect(kept.folder).toBe('INBOX');
    expect(kept.raw).not.toMatch(/^X-Spam-/m);
    expect(metrics.get(METRIC.spamChecks, { outcome: 'unavailable' })).toBe(before + 1);
    expect((await deliver(mx.plain, message({ subject: 'no filter configured', body: GTUBE }))).code).toBe(250);
    expect(stored(plain, 'no filter configured')!.raw).not.toMatch(/^X-Spam-/m);
  });
});
