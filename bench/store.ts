/**
 * Message-store micro-benchmark (real SQLite file, WAL, synchronous=FULL):
 *  1. deliveries/s of 10 KB messages through the group-commit Writer, 20 concurrent
 *     callers (and 1 caller, for comparison);
 *  2. at 100,000 messages in one folder: listView (a session's seq↔uid map), a
 *     FLAGS fetch of 1:*, STATUS counters, STORE +FLAGS on all, CHANGEDSINCE.
 *
 * Run: npx vite-node bench/store.ts   (or node dist/bench/store.js after a build)
 * Env: BENCH_DELIVERIES (default 3000), BENCH_MESSAGES (default 100000), BENCH_DIR.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDb, type Db } from '../src/store/db.js';
import { getFolder } from '../src/store/folders.js';
import { EventBus } from '../src/events/bus.js';
import { Writer } from '../src/store/deliver.js';
import { putBlob, readBlob, readBlobRange } from '../src/store/blobs.js';
import {
  appendMessages,
  changedSince,
  folderCounts,
  getMessageRange,
  getMessages,
  listUids,
  listView,
  listViewColumns,
  listViewRange,
  storeFlags,
  type NewMessage,
} from '../src/store/messages.js';
import { FLAG_SEEN } from '../src/store/flags.js';
import { searchText } from '../src/store/search.js';
import type { ParsedMessage } from '../src/mime/types.js';
import { addBareMailbox, textMessage } from './fixtures.js';

const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 3000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);

const addMailbox = (db: Db, address: string) => addBareMailbox(db, address);

function message(i: number, size: number): { raw: Buffer; parsed: ParsedMessage } {
  const header = `From: bench@example.org\r\nTo: user@example.org\r\nSubject: bench ${i}\r\nMessage-ID: <${i}.${process.hrtime.bigint()}@example.org>\r\n\r\n`;
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n';
  const body = line.repeat(Math.ceil((size - header.length) / line.length)).slice(0, size - header.length);
  const raw = Buffer.from(header + body);
  const parsed = textMessage({
    raw,
    subject: `bench ${i}`,
    fromMailbox: 'bench',
    toMailbox: 'user',
    messageId: `<${i}@example.org>`,
    lines: Math.ceil(body.length / line.length),
    search: { from: 'bench@example.org', to: 'user@example.org', headers: '', body: body.slice(0, 2000) },
  });
  return { raw, parsed };
}

async function deliveries(db: Db, folderId: number, callers: number, total: number): Promise<void> {
  const writer = new Writer(db, new EventBus());
  const msgs = Array.from({ length: total }, (_, i) => message(i + callers * 1_000_000, 10 * 1024));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < total) {
        const m = msgs[next++]!;
        await writer.deliver({ raw: m.raw, parsed: m.parsed, targets: [{ folderId }] });
      }
    }),
  );
  const ms = performance.now() - t0;
  const s = writer.stats;
  console.log(
    `deliver 10 KB, ${String(callers).padStart(2)} caller(s): ${total} in ${ms.toFixed(0)} ms = ` +
      `${((total / ms) * 1000).toFixed(0)} deliveries/s; ${s.batches} transactions ` +
      `(avg ${(s.requests / s.batches).toFixed(1)}, max ${s.maxBatch} per commit)`,
  );
}

function time<T>(label: string, fn: () => T, runs = 5): T {
  let result!: T;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(48)} median ${times[Math.floor(runs / 2)]!.toFixed(1)} ms (min ${times[0]!.toFixed(1)})`);
  return result;
}

async function main(): Promise<void> {
  const dir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'gp-bench-store-'));
  const db = openDb(dir);
  try {
    const mb = addMailbox(db, 'bench@example.org');
    const inbox = getFolder(db, mb, 'INBOX')!.id;
    const archive = getFolder(db, mb, 'Archive')!.id;

    console.log(`store benchmark in ${dir} (WAL, synchronous=FULL), node ${process.version}`);
    await deliveries(db, inbox, 1, Math.min(DELIVERIES, 500));
    await deliveries(db, inbox, 20, DELIVERIES);

    // A folder with MESSAGES messages (bulk-loaded: 1,000 distinct blobs shared).
    const t0 = performance.now();
    const blobs: Array<{ id: number; size: number }> = [];
    db.transaction(() => {
      for (let i = 0; i < 1000; i++) {
        const m = message(i, 2048);
        blobs.push({ id: putBlob(db, m.raw, m.parsed, Math.ceil(MESSAGES / 1000)), size: m.raw.length });
      }
      for (let start = 0; start < MESSAGES; start += 5000) {
        const items: NewMessage[] = [];
        for (let i = start; i < Math.min(MESSAGES, start + 5000); i++) {
          const b = blobs[i % 1000]!;
          items.push({ blobId: b.id, size: b.size, flags: i % 3 === 0 ? FLAG_SEEN : 0, keywords: i % 10 === 0 ? '$Work' : '' });
        }
        appendMessages(db, archive, items);
      }
    })();
    console.log(`loaded ${MESSAGES} messages into one folder in ${(performance.now() - t0).toFixed(0)} ms`);

    const view = time(`listView (${MESSAGES} x uid,modseq,flags,keywords)`, () => listView(db, archive));
    const uids = time(`listUids (${MESSAGES} uids)`, () => listUids(db, archive));
    if (view.length !== MESSAGES || uids.length !== MESSAGES) throw new Error('bench: wrong count');
    time(`listViewColumns (${MESSAGES}, parallel arrays)`, () => listViewColumns(db, archive));
    time('UID FETCH 1:* (FLAGS) via listViewRange', () => listViewRange(db, archive, 1, 0xffffffff));
    time('FETCH 1:* full rows via getMessageRange', () => getMessageRange(db, archive, 1, 0xffffffff));
    time('FETCH 1:* full rows via getMessages(uids)', () => getMessages(db, archive, uids));
    time('FETCH of 100 scattered uids', () => getMessages(db, archive, uids.filter((_, i) => i % 1000 === 7)));
    time('folderCounts (STATUS MESSAGES UNSEEN RECENT)', () => folderCounts(db, archive));
    const st = time('STORE 1:* +FLAGS (\\Seen) (one transaction)', () => storeFlags(db, { folderId: archive, uids, mode: 'add', flags: FLAG_SEEN, keywords: [] }), 1);
    console.log(`  changed ${st.changed.length}`);
    time('STORE 1:* -FLAGS (\\Seen) (one transaction)', () => storeFlags(db, { folderId: archive, uids, mode: 'remove', flags: FLAG_SEEN, keywords: [] }), 1);
    time('SEARCH SUBJECT "bench 99" (SQL instr)', () => searchText(db, archive, 'subject', 'bench 99'));
    time('SEARCH BODY "nomatch" (2 KB bodies)', () => searchText(db, archive, 'body', 'nomatch'));
    const bigMsg = message(-1, 25 * 1024 * 1024);
    const bigId = putBlob(db, bigMsg.raw, bigMsg.parsed, 1);
    time('BODY[]<12000000.4096> of a 25 MB blob (1 chunk)', () => readBlobRange(db, bigId, 12_000_000, 12_004_096));
    time('whole 25 MB blob (200 chunks)', () => readBlob(db, bigId));
    const hm = folderCounts(db, archive).highestmodseq;
    storeFlags(db, { folderId: archive, uids: uids.slice(0, 50), mode: 'add', flags: FLAG_SEEN, keywords: [] });
    time('CHANGEDSINCE (50 changed of 100k)', () => changedSince(db, archive, hm));
  } finally {
    db.close();
    if (!process.env.BENCH_DIR) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
