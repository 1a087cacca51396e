/**
 * `npm run bench:sort`: SORT and THREAD (RFC 5256) of one folder at 1k, 10k and
 * 100k messages, over TLS on loopback, server in this process; the time from
 * sending the command to its tagged OK, the whole `* SORT` / `* THREAD` answer
 * read: the first run (keys read from the store) and the best of 3 after it (keys
 * kept in the process, imap/sort/key-cache.ts), with the process's CPU time of
 * that best run (the machine may be shared; CPU time is the steadier figure). Every message is its own blob: distinct Message-IDs, References
 * chains of ten-message threads, `Re:` subjects, 500 senders with Cyrillic display
 * names, dates spread over a year.
 *
 *   node dist/bench/sort.js [maxMessages=100000]
 */
import tls from 'node:tls';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/load.js';
import { silentLogger } from '../src/shared/logger.js';
import { startServer } from '../src/main.js';
import { confirmedAccount } from './people.js';
import { createMailbox } from '../src/identity/mailboxes.js';
import { createFolder } from '../src/store/folders.js';
import { putBlob } from '../src/store/blobs.js';
import { parseMessage } from '../src/mime/parse.js';
import type { Db } from '../src/store/db.js';

const PASSWORD = 'Correct-Horse-42';
const MAX = Number(process.argv[2] ?? 100_000);
const YEAR = 365 * 86_400_000;
const START = Date.UTC(2025, 0, 1);

/** One command at a time; resolves with the bytes read up to the tagged line. */
class Client {
  private chunks: string[] = [];
  private waiter: (() => void) | undefined;
  private seq = 0;
  private constructor(private readonly sock: tls.TLSSocket) {
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      this.chunks.push(d);
      this.waiter?.();
    });
  }
  static connect(port: number): Promise<Client> {
    return new Promise((res, rej) => {
      const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        const c = new Client(s);
        c.until('* OK').then(() => res(c), rej);
      });
      s.once('error', rej);
    });
  }
  /** Bytes read until a line starting with `marker` (which must be an OK). */
  private async until(marker: string): Promise<number> {
    let bytes = 0;
    let tail = '';
    for (;;) {
      while (this.chunks.length) {
        const d = this.chunks.shift()!;
        bytes += d.length;
        tail = (tail + d).slice(-8192);
      }
      const j = tail.startsWith(marker) ? 0 : tail.indexOf('\r\n' + marker);
      const at = j <= 0 ? j : j + 2;
      const end = at >= 0 ? tail.indexOf('\r\n', at) : -1;
      if (end >= 0) {
        const line = tail.slice(at, end);
        if (!/^\S+ OK/.test(line)) throw new Error(line);
        return bytes;
      }
      await new Promise<void>((r) => (this.waiter = r));
      this.waiter = undefined;
    }
  }
  async cmd(text: string): Promise<number> {
    const tag = `b${++this.seq}`;
    this.sock.write(`${tag} ${text}\r\n`);
    return this.until(`${tag} `);
  }
  close(): void {
    this.sock.destroy();
  }
}

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

function fill(db: Db, folderId: number, blobs: number[], n: number): void {
  const ins = db.prepare('INSERT INTO messages (folder_id, uid, blob_id, size, flags, internal_date, stored_at, saved_at, modseq) VALUES (?, ?, ?, ?, 0, ?, ?, ?, 1)');
  db.transaction(() => {
    for (let i = 1; i <= n; i++) {
      const at = START + i * 60_000;
      ins.run(folderId, i, blobs[i - 1]!, 300 + (i % 997), at, at, at);
    }
    db.prepare('UPDATE folders SET uidnext = ? WHERE id = ?').run(n + 1, folderId);
    db.prepare('UPDATE blobs SET refcount = refcount + 1 WHERE id BETWEEN ? AND ?').run(blobs[0], blobs[n - 1]);
  })();
}

/** Wall ms of the first run, then the best wall ms of `runs` more and the CPU ms of that run. */
async function measure(fn: () => Promise<unknown>, runs = 3): Promise<string> {
  const t0 = performance.now();
  await fn();
  const cold = performance.now() - t0;
  let best = Infinity;
  let cpu = 0;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await fn();
    const w = performance.now() - w0;
    const c = process.cpuUsage(c0);
    if (w < best) [best, cpu] = [w, (c.user + c.system) / 1000];
  }
  return `${cold.toFixed(0)} / ${best.toFixed(0)} (${cpu.toFixed(0)})`;
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
  const dir = mkdtempSync(join(tmpdir(), 'gp-bench-sort-'));
  const cfg = loadConfig({
    env: {},
    cwd: dir,
    overrides: { dataDir: join(dir, 'data'), domains: ['example.org'], bind: '127.0.0.1', smtp: { port: 0 }, submission: { port: 0 }, mx: { port: 0 }, imap: { port: 0 }, notices: { newDevice: false } },
  });
  const server = await startServer(cfg, { log: silentLogger, pidFile: false, scheduler: false });
  const db = server.db;
  const ctx = { db, cfg, actor: 'operator:bench' };
  const accountId = await confirmedAccount(ctx);
  const sizes = [1000, 10_000, 100_000].filter((x) => x <= MAX);
  const t0 = performance.now();
  const blobs = makeBlobs(db, sizes[sizes.length - 1]!);
  console.log(`SORT / THREAD bench: Node ${process.version}, TLS on loopback, server in this process`);
  console.log(`ingest of ${blobs.length} distinct messages (parse + blob + sort keys): ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  console.log('ms: first run / best warm run (its CPU ms)');
  console.log(`${'command'.padEnd(26)}${sizes.map((n) => `${n} msgs`.padStart(22)).join('')}`);
  const rows = new Map<string, string[]>(COMMANDS.map(([label]) => [label, []]));
  for (const n of sizes) {
    const mb = await createMailbox(ctx, accountId, `sort${n}x@example.org`, PASSWORD);
    fill(db, createFolder(db, mb.id, 'Big').id, blobs, n);
    const c = await Client.connect(server.imapPort);
    await c.cmd(`LOGIN ${mb.address} ${PASSWORD}`);
    await c.cmd('SELECT Big');
    for (const [label, command] of COMMANDS) rows.get(label)!.push((await measure(() => c.cmd(command))).padStart(22));
    c.close();
  }
  for (const [label, cells] of rows) console.log(label.padEnd(26) + cells.join(''));
  console.log('\n(target: 100,000 messages under 300 ms each)');
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
