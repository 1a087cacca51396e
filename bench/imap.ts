/**
 * `npm run bench:imap`: the IMAP server under load, over TLS on loopback.
 *
 * The server runs in this process (startServer, fresh SQLite file); the clients run
 * in a child process, so the server's RSS is its own. Folders are filled through
 * the store directly (a few shared blobs) to keep set-up short.
 *   1. cost growth: `UID FETCH 1:* (FLAGS)` and `UID SEARCH SUBJECT x` at 1k, 10k, 100k
 *   2. mixed workload: K clients on a 10,000-message folder doing SELECT, FETCH of
 *      envelopes+flags of 100 messages, a full message, STORE, SEARCH, APPEND, EXPUNGE
 *   3. memory: server RSS with 1,000 authenticated IDLE connections
 *
 *   node dist/bench/imap.js [clients=10] [seconds=10] [idle=1000] [maxMessages=100000]
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loopbackConfig } from '../test/helpers/loopback-config.js';
import { silentLogger } from '../src/shared/logger.js';
import { startServer } from '../src/main.js';
import { confirmedAccount } from './people.js';
import { createMailbox } from '../src/identity/mailboxes.js';
import { createFolder } from '../src/store/folders.js';
import { putBlob } from '../src/store/blobs.js';
import { parseMessage } from '../src/mime/parse.js';
import type { Db } from '../src/store/db.js';
import { PASSWORD } from './smtp-clients.js';
import { Client } from './imap-client.js';
import { benchEntry } from './entry.js';

function fill(db: Db, folderId: number, n: number, blobs: number[]): void {
  const ins = db.prepare('INSERT INTO messages (folder_id, uid, blob_id, size, flags, internal_date, stored_at, modseq) VALUES (?, ?, ?, ?, ?, ?, ?, 1)');
  const now = Date.now();
  db.transaction(() => {
    for (let i = 1; i <= n; i++) ins.run(folderId, i, blobs[i % blobs.length]!, 3000, i % 3 === 0 ? 1 : 0, now, now);
    db.prepare('UPDATE folders SET uidnext = ? WHERE id = ?').run(n + 1, folderId);
    for (const b of blobs) db.prepare('UPDATE blobs SET refcount = refcount + ? WHERE id = ?').run(Math.ceil(n / blobs.length), b);
  })();
}

async function timeIt(fn: () => Promise<unknown>, runs = 3): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

interface ChildJob {
  kind: 'mixed' | 'idle';
  port: number;
  users: string[];
  seconds?: number;
  count?: number;
}

async function childMain(job: ChildJob): Promise<void> {
  if (job.kind === 'idle') {
    const conns: Client[] = [];
    for (let i = 0; i < job.count!; i++) {
      const c = await Client.connect(job.port);
      await c.cmd(`LOGIN ${job.users[i % job.users.length]} ${PASSWORD}`);
      await c.cmd('SELECT INBOX');
      c.write(`i${i} IDLE\r\n`);
      conns.push(c);
    }
    process.send!({ ready: conns.length });
    await new Promise<void>((r) => process.once('message', () => r()));
    for (const c of conns) c.close();
    process.exit(0);
  }
  const counts: Record<string, number> = {};
  const ms: Record<string, number> = {};
  const add = (k: string, since: number) => {
    counts[k] = (counts[k] ?? 0) + 1;
    ms[k] = (ms[k] ?? 0) + (performance.now() - since);
  };
  const deadline = performance.now() + job.seconds! * 1000;
  const msg = 'From: <a@example.org>\r\nSubject: appended\r\n\r\n' + 'z'.repeat(2000) + '\r\n';
  await Promise.all(
    job.users.map(async (user, k) => {
      const c = await Client.connect(job.port);
      await c.cmd(`LOGIN ${user} ${PASSWORD}`);
      let i = 0;
      while (performance.now() < deadline) {
        let t0 = performance.now();
        await c.cmd('SELECT INBOX');
        add('SELECT', t0);
        t0 = performance.now();
        const start = 1 + ((i * 100 + k * 1000) % 9800);
        await c.cmd(`FETCH ${start}:${start + 99} (UID FLAGS ENVELOPE)`);
        add('FETCH 100 envelopes+flags', t0);
        t0 = performance.now();
        await c.cmd(`FETCH ${start} BODY.PEEK[]`);
        add('FETCH full message', t0);
        t0 = performance.now();
        await c.cmd(`STORE ${start}:${start + 9} +FLAGS.SILENT (\\Flagged)`);
        add('STORE', t0);
        t0 = performance.now();
        await c.cmd(`UID SEARCH SUBJECT "bench 7${i % 10}"`);
        add('SEARCH', t0);
        t0 = performance.now();
        await c.cmd('APPEND INBOX (\\Seen \\Deleted)', msg);
        add('APPEND', t0);
        t0 = performance.now();
        await c.cmd('EXPUNGE');
        add('EXPUNGE', t0);
        t0 = performance.now();
        i++;
      }
      c.close();
    }),
  );
  process.send!({ counts, ms });
  process.exit(0);
}

async function main(): Promise<void> {
  const K = Number(process.argv[2] ?? 10);
  const SECONDS = Number(process.argv[3] ?? 10);
  const IDLE = Number(process.argv[4] ?? 1000);
  const MAX = Number(process.argv[5] ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'gp-bench-imap-'));
  const cfg = loopbackConfig(dir, { imap: { port: 0, maxConnectionsPerUser: 1000 } });
  const server = await startServer(cfg, { log: silentLogger, pidFile: false, scheduler: false });
  const db = server.db;
  const ctx = { db, cfg, actor: 'operator:bench' };
  const acc = { id: await confirmedAccount(ctx) };
  const blobs: number[] = [];
  db.transaction(() => {
    for (let b = 0; b < 50; b++) {
      const raw = Buffer.from(`From: "Отправитель ${b}" <sender${b}@example.org>\r\nTo: <user@example.org>\r\nSubject: bench ${b}\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\nMessage-ID: <b${b}@example.org>\r\n\r\n${'text '.repeat(500)}\r\n`);
      blobs.push(putBlob(db, raw, parseMessage(raw), 0));
    }
  })();
  console.log(`IMAP bench: Node ${process.version}, TLS on loopback, server in this process, clients in a child process`);

  // 1. Cost growth.
  console.log('\nmessages  UID FETCH 1:* (FLAGS)  UID SEARCH SUBJECT x');
  for (const n of [1000, 10_000, 100_000].filter((x) => x <= MAX)) {
    const mb = await createMailbox(ctx, acc.id, `grow${n}x@example.org`, PASSWORD);
    fill(db, createFolder(db, mb.id, `Big`).id, n, blobs);
    const c = await Client.connect(server.imapPort);
    await c.cmd(`LOGIN ${mb.address} ${PASSWORD}`);
    await c.cmd('SELECT Big');
    const f = await timeIt(() => c.cmd('UID FETCH 1:* (FLAGS)'));
    const s = await timeIt(() => c.cmd('UID SEARCH SUBJECT "bench 42"'));
    c.close();
    console.log(`${String(n).padStart(8)}  ${f.toFixed(0).padStart(17)} ms  ${s.toFixed(0).padStart(16)} ms`);
  }

  // 2. Mixed workload.
  const users: string[] = [];
  for (let i = 0; i < K; i++) {
    const mb = await createMailbox(ctx, acc.id, `mixed${i}x@example.org`, PASSWORD);
    fill(db, db.prepare(`SELECT id FROM folders WHERE mailbox_id = ? AND name = 'INBOX'`).pluck().get(mb.id) as number, 10_000, blobs);
    users.push(mb.address);
  }
  const child = fork(fileURLToPath(import.meta.url), ['child'], { stdio: 'inherit' });
  child.send({ kind: 'mixed', port: server.imapPort, users, seconds: SECONDS } satisfies ChildJob);
  const { counts, ms } = await new Promise<{ counts: Record<string, number>; ms: Record<string, number> }>((r) =>
    child.once('message', (m) => r(m as { counts: Record<string, number>; ms: Record<string, number> })),
  );
  console.log(`\nmixed workload: ${K} clients, ${SECONDS} s, a 10,000-message INBOX each`);
  let total = 0;
  for (const [k, v] of Object.entries(counts)) {
    total += v;
    console.log(`  ${k.padEnd(28)} ${(v / SECONDS).toFixed(0).padStart(6)} ops/s  mean ${(ms[k]! / v).toFixed(1).padStart(6)} ms`);
  }
  console.log(`  ${'total'.padEnd(28)} ${(total / SECONDS).toFixed(0).padStart(6)} ops/s`);

  // 3. IDLE connections.
  global.gc?.();
  await new Promise((r) => setTimeout(r, 500));
  const rss0 = process.memoryUsage().rss;
  const idleUsers = users.slice(0, Math.min(users.length, 10));
  const idler = fork(fileURLToPath(import.meta.url), ['child'], { stdio: 'inherit' });
  idler.send({ kind: 'idle', port: server.imapPort, users: idleUsers, count: IDLE } satisfies ChildJob);
  await new Promise((r) => idler.once('message', r));
  global.gc?.();
  await new Promise((r) => setTimeout(r, 1000));
  const rss1 = process.memoryUsage().rss;
  console.log(`\n${IDLE} authenticated IDLE connections: server RSS ${(rss0 / 1048576).toFixed(0)} MB → ${(rss1 / 1048576).toFixed(0)} MB, ${((rss1 - rss0) / IDLE / 1024).toFixed(1)} KiB per connection`);
  idler.send('stop');
  await new Promise((r) => idler.once('exit', r));
  await server.close('bench over');
  rmSync(dir, { recursive: true, force: true });
}

benchEntry(main, childMain);
