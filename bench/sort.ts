/**
 * `npm run bench:sort`: SORT and THREAD (RFC 5256) of one folder at 1k, 10k and
 * 100k messages, over TLS on loopback, server in this process; the time from
 * sending the command to its tagged OK, the whole `* SORT` / `* THREAD` answer
 * read: the first run on the folder (what a client waits for after the server
 * started: nothing of the folder in the process yet) and the best of 3 after it,
 * each with the process's CPU time (bench/big-folder.ts). Every message is its own blob: distinct Message-IDs, References
 * chains of ten-message threads, `Re:` subjects, 500 senders with Cyrillic display
 * names, dates spread over a year.
 *
 *   node dist/bench/sort.js [maxMessages=100000]
 */
import { performance } from 'node:perf_hooks';
import { createMailbox } from '../src/identity/mailboxes.js';
import { createFolder } from '../src/store/folders.js';
import { putBlob } from '../src/store/blobs.js';
import { parseMessage } from '../src/mime/parse.js';
import type { Db } from '../src/store/db.js';
import { PASSWORD, benchServer, fillFolder, firstAndWarm } from './big-folder.js';
import { selectedClient } from './imap-client.js';

const MAX = Number(process.argv[2] ?? 100_000);
const YEAR = 365 * 86_400_000;
const START = Date.UTC(2025, 0, 1);

function rawMessage(i: number): Buffer {
  const thread = Math.floor(i / 10);
  const pos = i % 10;
  const refs = Array.from({ length: Math.min(pos, 3) }, (_, k) => `<m${i - pos + k}@bench.example.org>`).join(' ');
  const sender = (i * 7919) % 500;
  const date = new Date(START + ((i * 2654435761) % YEAR)).toUTCString().replace('GMT', '+0000');
  const name = Buffer.from(`Отправитель ${sender}`).toString('base64');
  return Buffer.from(
    `From: =?UTF-8?B?${name}?= <s${sender}@example.org>\r\nTo: user@example.org\r\n` +
      `Subject: ${pos ? 'Re: ' : ''}topic ${(thread * 31) % 10_007}\r\nDate: ${date}\r\nMessage-ID: <m${i}@bench.example.org>\r\n` +
      (refs ? `References: ${refs}\r\n` : '') +
      `\r\nbody ${i}\r\n`,
  );
}

function makeBlobs(db: Db, n: number): number[] {
  const ids: number[] = [];
  for (let start = 0; start < n; start += 5000) {
    db.transaction(() => {
      for (let i = start; i < Math.min(n, start + 5000); i++) {
        const raw = rawMessage(i);
        ids.push(putBlob(db, raw, parseMessage(raw), 0));
      }
    })();
  }
  return ids;
}

const COMMANDS: Array<[string, string]> = [
  ['SORT (DATE)', 'UID SORT (DATE) UTF-8 ALL'],
  ['SORT (SUBJECT)', 'UID SORT (SUBJECT) UTF-8 ALL'],
  ['SORT (REVERSE FROM DATE)', 'UID SORT (REVERSE FROM DATE) UTF-8 ALL'],
  ['SORT (DISPLAYFROM)', 'UID SORT (DISPLAYFROM) UTF-8 ALL'],
  ['SORT (ARRIVAL) UNSEEN', 'UID SORT (ARRIVAL) UTF-8 UNSEEN'],
  ['THREAD REFERENCES', 'UID THREAD REFERENCES UTF-8 ALL'],
  ['THREAD ORDEREDSUBJECT', 'UID THREAD ORDEREDSUBJECT UTF-8 ALL'],
];

async function main(): Promise<void> {
  const bench = await benchServer('gp-bench-sort-');
  const { db, ctx, accountId } = bench;
  const sizes = [1000, 10_000, 100_000].filter((x) => x <= MAX);
  const t0 = performance.now();
  const blobs = makeBlobs(db, sizes[sizes.length - 1]!);
  console.log(`SORT / THREAD bench: Node ${process.version}, TLS on loopback, server in this process`);
  console.log(`ingest of ${blobs.length} distinct messages (parse + blob + sort keys): ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  console.log('ms: first run (its CPU ms) / best of 3 warm runs (its CPU ms)');
  console.log(`${'command'.padEnd(26)}${sizes.map((n) => `${n} msgs`.padStart(26)).join('')}`);
  const rows = new Map<string, string[]>(COMMANDS.map(([label]) => [label, []]));
  for (const n of sizes) {
    const mb = await createMailbox(ctx, accountId, `sort${n}x@example.org`, PASSWORD);
    fillFolder(db, createFolder(db, mb.id, 'Big').id, n, (i) => ({ blobId: blobs[i - 1]!, size: 300 + (i % 997), flags: 0, at: START + i * 60_000 }));
    const c = await selectedClient(bench.imapPort, mb.address, 'Big');
    for (const [label, command] of COMMANDS) rows.get(label)!.push((await firstAndWarm(() => c.cmd(command))).padStart(26));
    c.close();
  }
  for (const [label, cells] of rows) console.log(label.padEnd(26) + cells.join(''));
  console.log('\n(target: 100,000 messages under 300 ms each)');
  await bench.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
