/**
 * A large folder: FETCH/SEARCH over every message answer completely and in order.
 * Prints the times (no timed assertions). SCALE_MESSAGES=100000 for the issue's
 * 100k figure; the default keeps CI quick.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestImap, sampleMessage, type TestImap, type TranscriptClient } from '../../helpers/imap.js';
import { getFolder } from '../../../src/store/folders.js';
import { putBlob } from '../../../src/store/blobs.js';
import { appendMessages } from '../../../src/store/messages.js';
import { parseMessage } from '../../../src/mime/parse.js';

const N = Number(process.env.SCALE_MESSAGES ?? 10_000);
const DISTINCT = Math.min(N, 5_000);
let h: TestImap;
let c: TranscriptClient;

beforeAll(async () => {
  h = await startTestImap();
  const u = await h.provision();
  const f = getFolder(h.db, u.mailboxId, 'INBOX')!;
  const a = Buffer.from(sampleMessage('Обычное письмо'));
  const b = Buffer.from(sampleMessage('Налоговое уведомление'));
  const ba = putBlob(h.db, a, parseMessage(a), N - Math.floor(N / 100));
  const bb = putBlob(h.db, b, parseMessage(b), Math.floor(N / 100));
  const items = Array.from({ length: N }, (_, i) => (i % 100 === 99 ? { blobId: bb, size: b.length, flags: 1 } : { blobId: ba, size: a.length }));
  h.db.transaction(() => appendMessages(h.db, f.id, items))();
  // distinct messages (each its own blob and parsed structure) for a client's first sync
  const arch = getFolder(h.db, u.mailboxId, 'Archive')!;
  h.db.transaction(() => {
    const list = [];
    for (let i = 0; i < DISTINCT; i++) {
      const raw = Buffer.from(sampleMessage(`Письмо ${i}`, `Текст ${i} `.repeat(20)));
      list.push({ blobId: putBlob(h.db, raw, parseMessage(raw), 1), size: raw.length });
    }
    appendMessages(h.db, arch.id, list);
  })();
  c = await h.connect();
  await c.login(u.address, u.password);
}, 300_000);
afterAll(async () => {
  await c.close();
  await h.close();
});

async function timed(cmd: string, n = N): Promise<string[]> {
  const t = process.hrtime.bigint();
  const r = await c.cmd(cmd);
  console.log(`${n} messages: ${cmd.slice(cmd.indexOf(' ') + 1)} → ${r.length - 1} untagged, ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(0)} ms`);
  return r;
}

describe(`a folder of ${N} messages`, () => {
  it('SELECT, FETCH 1:* FLAGS, UID FETCH 1:* (UID FLAGS), SEARCH', async () => {
    expect((await timed('a1 SELECT INBOX')).pop()).toContain('a1 OK');
    const f = await timed('a2 FETCH 1:* (FLAGS)');
    expect(f).toHaveLength(N + 1);
    expect(f[N - 1]).toBe(`* ${N} FETCH (FLAGS (\\Seen \\Recent))`);
    expect(await timed('a3 UID FETCH 1:* (UID FLAGS)')).toHaveLength(N + 1);
    const s = await timed('a4 UID SEARCH SUBJECT "налоговое"');
    expect(s[0]!.split(' ').length - 2).toBe(Math.floor(N / 100));
    expect((await timed('a5 SEARCH UNSEEN'))[0]!.split(' ').length - 2).toBe(N - Math.floor(N / 100));
    expect((await timed('a7 STORE 1:* +FLAGS.SILENT (\\Flagged)')).pop()).toBe('a7 OK STORE completed');
    expect((await timed('a8 UID SEARCH FLAGGED TEXT "уведомление"'))[0]!.split(' ').length - 2).toBe(Math.floor(N / 100));
    expect((await timed('a6 FETCH 1:100 (UID FLAGS ENVELOPE)')).filter((l) => l.startsWith('* '))).toHaveLength(100);
  }, 300_000);

  it(`first sync of ${DISTINCT} distinct messages: UID FLAGS ENVELOPE BODYSTRUCTURE`, async () => {
    await c.cmd('b0 SELECT Archive');
    const r = await timed('b1 UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)', DISTINCT);
    expect(r.filter((l) => / FETCH \(UID \d+ FLAGS/.test(l))).toHaveLength(DISTINCT);
    expect(r.pop()).toBe('b1 OK UID FETCH completed');
  }, 300_000);
});
