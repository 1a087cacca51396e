/**
 * `npm run bench:search`: full-text SEARCH and compressed first sync, over TLS on
 * loopback, the server in this process (fresh SQLite file).
 *
 *   1. `UID SEARCH BODY <word>` on folders of 1k, 10k and 100k distinct messages
 *      (Russian and English text, each blob indexed at ingest as in delivery): a
 *      word in ~2 % of messages («налоги», matched by stem), a word in ~50 %, an
 *      English word, and a number (the exact-substring fallback).
 *   2. First sync of a 10,000-message folder — `UID FETCH 1:* (UID FLAGS ENVELOPE
 *      BODYSTRUCTURE BODY.PEEK[HEADER])` — without and with COMPRESS=DEFLATE: bytes
 *      the client received (TLS payload), the server's CPU time (this process;
 *      the client runs in a child process), wall time.
 *
 * Every search is timed on its first run and its best warm run, with CPU time
 * (bench/big-folder.ts).
 *
 *   node dist/bench/search.js [maxMessages=100000]
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createMailbox } from '../src/identity/mailboxes.js';
import { createFolder } from '../src/store/folders.js';
import { putBlob } from '../src/store/blobs.js';
import { parseMessage } from '../src/mime/parse.js';
import type { Db } from '../src/store/db.js';
import { PASSWORD, benchServer, fillFolder, firstAndWarm } from './big-folder.js';
import { Client, selectedClient } from './imap-client.js';
import { benchEntry } from './entry.js';

const STEMS = ['документ', 'справк', 'заявлени', 'услуг', 'оплат', 'квитанци', 'пенси', 'выплат', 'запис', 'прием', 'врач', 'школ', 'паспорт', 'решени', 'обращени', 'ответ', 'срок', 'адрес', 'граждан', 'отдел'];
const ENDINGS = ['', 'а', 'у', 'ом', 'е', 'ы', 'ов', 'ам', 'ами', 'ах', 'ое', 'ый', 'ой', 'ие', 'ия', 'ию'];
const ENGLISH = ['service', 'request', 'payment', 'document', 'office', 'appointment', 'reply', 'status', 'account', 'notice'];
const TAX = ['налоги', 'налогов', 'налоговое', 'налогам', 'налоговый'];

/** Deterministic pseudo-random numbers (bench runs compare). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function makeMessage(i: number, r: () => number): Buffer {
  const words: string[] = [];
  const n = 60 + Math.floor(r() * 120);
  for (let w = 0; w < n; w++) {
    const x = r();
    if (x < 0.1) words.push(ENGLISH[Math.floor(r() * ENGLISH.length)]!);
    else if (x < 0.13) words.push(String(Math.floor(r() * 1e6)));
    else words.push(STEMS[Math.floor(r() * STEMS.length)]! + ENDINGS[Math.floor(r() * ENDINGS.length)]!);
  }
  if (i % 50 === 7) words.splice(Math.floor(r() * words.length), 0, TAX[i % TAX.length]!);
  if (i % 2 === 0) words.splice(Math.floor(r() * words.length), 0, 'уведомление');
  const text = words.join(' ');
  const head =
    `Received: from mx${i % 17}.gov.test (mx${i % 17}.gov.test [192.0.2.${i % 250}])\r\n\tby mail.example.org (gospochta) with ESMTPS id Q${i}\r\n\tfor <user@example.org>; Sun, 22 Nov 2026 10:00:00 +0000\r\n` +
    `From: "Ведомство ${i % 97}" <noreply${i % 97}@gov.test>\r\nTo: "Иванов Иван" <user@example.org>\r\n` +
    `Subject: =?UTF-8?B?${Buffer.from(`Обращение № ${i}: ${words.slice(0, 4).join(' ')}`).toString('base64')}?=\r\n` +
    `Date: Sun, 22 Nov 2026 ${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00 +0300\r\nMessage-ID: <m${i}.${i * 7919}@gov.test>\r\nMIME-Version: 1.0\r\n`;
  const body =
    i % 3 === 0
      ? `Content-Type: multipart/alternative; boundary="b${i}"\r\n\r\n--b${i}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text}\r\n--b${i}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n<html><body><p>${text}</p></body></html>\r\n--b${i}--\r\n`
      : `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${text}\r\n`;
  return Buffer.from(head + body, 'utf8');
}

/** n distinct messages as blobs (indexed at ingest), in transactions of 1000. */
function makeBlobs(db: Db, n: number): Array<{ id: number; size: number }> {
  const r = rng(42);
  const out: Array<{ id: number; size: number }> = [];
  for (let at = 0; at < n; at += 1000) {
    db.transaction(() => {
      for (let i = at; i < Math.min(n, at + 1000); i++) {
        const raw = makeMessage(i, r);
        out.push({ id: putBlob(db, raw, parseMessage(raw), 0), size: raw.length });
      }
    })();
  }
  return out;
}

function fill(db: Db, folderId: number, blobs: Array<{ id: number; size: number }>, n: number): void {
  const now = Date.now();
  fillFolder(db, folderId, n, (i) => ({ blobId: blobs[i - 1]!.id, size: blobs[i - 1]!.size, flags: i % 3 === 0 ? 1 : 0, at: now }));
}

interface SyncJob {
  port: number;
  user: string;
  compress: boolean;
}

async function childSync(job: SyncJob): Promise<void> {
  const c = await Client.connect(job.port);
  await c.cmd(`LOGIN ${job.user} ${PASSWORD}`);
  if (job.compress) await c.compress();
  await c.cmd('SELECT INBOX');
  const before = c.received;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await c.cmd('UID FETCH 1:* (UID FLAGS ENVELOPE BODYSTRUCTURE BODY.PEEK[HEADER])');
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  process.send!({ bytes: c.received - before, ms, clientCpuMs: (cpu.user + cpu.system) / 1000 });
  c.close();
  process.exit(0);
}

async function main(): Promise<void> {
  const MAX = Number(process.argv[2] ?? 100_000);
  const bench = await benchServer('gp-bench-search-');
  const { db, ctx, accountId } = bench;
  console.log(`search bench: Node ${process.version}, TLS on loopback, server in this process`);
  const t0 = performance.now();
  const blobs = makeBlobs(db, MAX);
  const ingest = performance.now() - t0;
  const fts = db.prepare("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'blob_fts%' OR name LIKE 'fts_terms%'").pluck().get() as number | null;
  const terms = db.prepare('SELECT count(*) FROM fts_terms').pluck().get() as number;
  console.log(`ingest of ${MAX} distinct messages (parse, stem, store, index): ${(ingest / 1000).toFixed(1)} s, ${((ingest * 1000) / MAX).toFixed(0)} µs a message; index ${fts === null ? '?' : (fts / 1024 / 1024).toFixed(1)} MiB, ${terms} terms`);

  const QUERIES = ['налоги', 'уведомление', 'payment', '4242'];
  console.log('\nUID SEARCH CHARSET UTF-8 BODY <q>, ms: first run (its CPU ms) / best of 3 warm runs (its CPU ms)');
  console.log(`messages${['налоги (2 %)', 'уведомление (50 %)', 'payment', '4242 (substring)'].map((h) => h.padStart(26)).join('')}`);
  for (const n of [1000, 10_000, 100_000].filter((x) => x <= MAX)) {
    const mb = await createMailbox(ctx, accountId, `search${n}x@example.org`, PASSWORD);
    fill(db, createFolder(db, mb.id, 'Big').id, blobs, n);
    const c = await selectedClient(bench.imapPort, mb.address, 'Big');
    const cells: string[] = [];
    for (const q of QUERIES) cells.push((await firstAndWarm(() => c.cmd(`UID SEARCH CHARSET UTF-8 BODY ${q}`))).padStart(26));
    c.close();
    console.log(`${String(n).padStart(8)}${cells.join('')}`);
  }

  const SYNC = Math.min(10_000, MAX);
  const mb = await createMailbox(ctx, accountId, `syncx@example.org`, PASSWORD);
  fill(db, db.prepare(`SELECT id FROM folders WHERE mailbox_id = ? AND name = 'INBOX'`).pluck().get(mb.id) as number, blobs, SYNC);
  console.log(`\nfirst sync of ${SYNC} messages: UID FETCH 1:* (UID FLAGS ENVELOPE BODYSTRUCTURE BODY.PEEK[HEADER])`);
  console.log('              bytes received   server CPU   client CPU   wall');
  const rows: Record<string, { bytes: number; serverCpuMs: number }> = {};
  for (const compress of [false, true, false, true]) {
    const child = fork(fileURLToPath(import.meta.url), ['child'], { stdio: 'inherit' });
    const cpu0 = process.cpuUsage();
    child.send({ port: bench.imapPort, user: mb.address, compress } satisfies SyncJob);
    const r = await new Promise<{ bytes: number; ms: number; clientCpuMs: number }>((res) => child.once('message', (m) => res(m as { bytes: number; ms: number; clientCpuMs: number })));
    const cpu = process.cpuUsage(cpu0);
    const serverCpuMs = (cpu.user + cpu.system) / 1000;
    const label = compress ? 'COMPRESS' : 'plain';
    rows[label] = { bytes: r.bytes, serverCpuMs };
    console.log(`  ${label.padEnd(10)} ${String(r.bytes).padStart(16)}   ${serverCpuMs.toFixed(0).padStart(7)} ms   ${r.clientCpuMs.toFixed(0).padStart(7)} ms   ${r.ms.toFixed(0).padStart(5)} ms`);
    await new Promise((res) => child.once('exit', res));
  }
  const p = rows.plain!;
  const z = rows.COMPRESS!;
  console.log(`  COMPRESS saves ${(100 - (z.bytes * 100) / p.bytes).toFixed(1)} % of the bytes (${p.bytes} → ${z.bytes}) for ${(z.serverCpuMs - p.serverCpuMs).toFixed(0)} ms more server CPU`);

  await bench.close();
}

benchEntry(main, childSync);
