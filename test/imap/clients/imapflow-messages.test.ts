/**
 * imapflow doing what a mail client does against the real server over TLS: list,
 * select, fetch envelopes/structures/bodies, download a 20 MB attachment part,
 * set flags, append, copy/move, expunge, and IDLE receiving EXISTS when another
 * session appends.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import type { ImapFlow, ImapFlowOptions, StatusObject } from 'imapflow';
import { imapFlowClient } from '../../helpers/imapflow.js';
import { startTestImap, sampleMessage, type TestImap } from '../../helpers/imap.js';

let h: TestImap;
let user: { address: string; password: string; mailboxId: number };

function client(extra: Partial<ImapFlowOptions> = {}): ImapFlow {
  return imapFlowClient(h.port, user.address, user.password, extra);
}

/** A connected client with INBOX open. */
async function inboxClient(): Promise<ImapFlow> {
  const c = client();
  await c.connect();
  await c.mailboxOpen('INBOX');
  return c;
}

/** The uids of the client's open folder. */
async function allUids(c: ImapFlow): Promise<number[]> {
  const uids: number[] = [];
  for await (const m of c.fetch('1:*', { uid: true })) uids.push(m.uid);
  return uids;
}

const ATTACHMENT_BYTES = 20 * 1024 * 1024;

function bigMessage(payload: Buffer): Buffer {
  const b64 = payload.toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      'From: Anna <anna@example.org>',
      'To: boris@example.org',
      'Subject: =?UTF-8?B?0J7RgtGH0ZHRgg==?=',
      'Date: Sun, 22 Nov 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="big"',
      '',
      '--big',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Отчёт во вложении.',
      '--big',
      'Content-Type: application/octet-stream; name="report.bin"',
      'Content-Disposition: attachment; filename="report.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      b64,
      '--big--',
      '',
    ].join('\r\n'),
  );
}

beforeAll(async () => {
  h = await startTestImap();
  user = await h.provision();
});
afterAll(async () => {
  await h.close();
});

describe('imapflow', () => {
  it('fetches envelopes, structure and bodies; downloads a 20 MB attachment part', async () => {
    const payload = Buffer.alloc(ATTACHMENT_BYTES);
    for (let i = 0; i < payload.length; i += 4) payload.writeUInt32LE((i * 2654435761) >>> 0, i);
    const bigUid = h.addMessage(user.mailboxId, 'INBOX', bigMessage(payload));
    h.addMessage(user.mailboxId, 'INBOX', sampleMessage('Привет', 'Тело письма'));
    const c = client();
    await c.connect();
    const lock = await c.getMailboxLock('INBOX');
    try {
      const seen: Array<{ uid: number; subject?: string; parts: number }> = [];
      for await (const m of c.fetch('1:*', { uid: true, envelope: true, bodyStructure: true, flags: true, size: true })) {
        seen.push({ uid: m.uid, subject: m.envelope?.subject, parts: m.bodyStructure?.childNodes?.length ?? 0 });
      }
      expect(seen).toEqual([
        { uid: bigUid, subject: 'Отчёт', parts: 2 },
        { uid: bigUid + 1, subject: 'Привет', parts: 0 },
      ]);
      const one = await c.fetchOne(String(bigUid + 1), { source: true, bodyParts: ['1'] }, { uid: true });
      expect(one && one.source?.toString()).toContain('Subject: Привет');
      expect(one && one.bodyParts?.get('1')?.toString()).toBe('Тело письма\r\n');
      const hdr = await c.fetchOne(String(bigUid + 1), { headers: ['subject', 'to'] }, { uid: true });
      expect(hdr && hdr.headers?.toString()).toBe('To: boris@example.org\r\nSubject: Привет\r\n\r\n');

      const started = process.hrtime.bigint();
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
      let heapPeak = heapBefore;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        heapPeak = Math.max(heapPeak, m.heapUsed + m.arrayBuffers);
      }, 5);
      const dl = await c.download(String(bigUid), '2', { uid: true });
      const hash = createHash('sha256');
      let n = 0;
      for await (const chunk of dl.content as AsyncIterable<Buffer>) {
        hash.update(chunk);
        n += chunk.length;
      }
      clearInterval(sampler);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      console.log(
        `download of a ${ATTACHMENT_BYTES} byte attachment part (${((ATTACHMENT_BYTES * 4) / 3 / 1048576).toFixed(1)} MiB base64 on the wire): ${ms.toFixed(0)} ms; ` +
          `peak heap+buffers growth ${((heapPeak - heapBefore) / 1048576).toFixed(1)} MiB (client and server in one process, sampled every 5 ms)`,
      );
      expect(n).toBe(ATTACHMENT_BYTES);
      expect(hash.digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));
    } finally {
      lock.release();
    }
    await c.logout();
  }, 120_000);

  it('sets flags, appends, copies, moves, expunges', async () => {
    const c = await inboxClient();
    const uids = await allUids(c);
    expect(uids.length).toBeGreaterThan(0);
    await c.messageFlagsAdd({ uid: String(uids[0]) }, ['\\Flagged', '$Important'], { uid: true });
    const f = await c.fetchOne(String(uids[0]), { flags: true }, { uid: true });
    expect(f && f.flags?.has('\\Flagged')).toBe(true);
    expect(f && f.flags?.has('$Important')).toBe(true);

    const app = await c.append('Drafts', sampleMessage('черновик'), ['\\Draft'], new Date('2026-01-02T03:04:05Z'));
    expect(app && app.uid).toBe(1);
    const copied = await c.messageCopy(String(uids[uids.length - 1]), 'Archive', { uid: true });
    expect(copied && copied.uidMap?.size).toBe(1);
    const moved = await c.messageMove(String(uids[uids.length - 1]), 'Trash', { uid: true });
    expect(moved && moved.uidMap?.size).toBe(1);
    expect(((await c.status('INBOX', { messages: true })) as StatusObject).messages).toBe(uids.length - 1);
    expect(((await c.status('Trash', { messages: true })) as StatusObject).messages).toBe(1);
    await c.mailboxOpen('Trash');
    expect(await c.messageDelete('1:*')).toBe(true);
    expect(((await c.status('Trash', { messages: true })) as StatusObject).messages).toBe(0);
    await expect(c.messageCopy('1', 'Nowhere')).resolves.toBe(false);
    await c.logout();
  }, 60_000);

  it('IDLE receives EXISTS when another session appends', async () => {
    const c = await inboxClient();
    const before = c.mailbox ? c.mailbox.exists : 0;
    const exists = new Promise<number>((resolve) => c.on('exists', (d: { count: number }) => resolve(d.count)));
    const idling = c.idle();
    const other = client();
    await other.connect();
    await other.append('INBOX', sampleMessage('через IDLE'));
    expect(await exists).toBe(before + 1);
    await other.logout();
    await c.logout();
    await idling.catch(() => undefined);
  }, 60_000);

  it('with qresync: VANISHED reaches the client as expunge events during IDLE', async () => {
    const c = client({ qresync: true });
    await c.connect();
    expect(c.enabled.has('QRESYNC')).toBe(true);
    await c.mailboxOpen('INBOX');
    const uids = await allUids(c);
    const target = uids[uids.length - 1]!;
    const gone = new Promise<{ uid: number; vanished: boolean }>((resolve) => c.on('expunge', (d: { uid: number; vanished: boolean }) => resolve(d)));
    const idling = c.idle();
    const other = await inboxClient();
    await other.messageDelete(String(target), { uid: true });
    expect(await gone).toMatchObject({ uid: target, vanished: true });
    await other.logout();
    await c.logout();
    await idling.catch(() => undefined);
  }, 60_000);
});
