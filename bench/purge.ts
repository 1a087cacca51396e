/**
 * `npm run bench:purge`: the retention purge on a database of N messages
 * (default 1,000,000, all past the retention period, in 10 mailboxes × 6 folders,
 * sharing 100 small blobs so the file is built quickly), while a worker thread on
 * its own connection writes a small transaction every few milliseconds, as SMTP
 * delivery would. Prints the purge rate (messages/s), the longest single purge
 * transaction, and the longest pause the concurrent writer saw (its slowest write,
 * which includes waiting for the purge's write lock).
 *
 *   node dist/bench/purge.js [messages=1000000] [batchSize=500]
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabaseFile } from '../src/store/key.js';
import { loadConfig } from '../src/config/load.js';
import { openDb, dbPath, applyPragmas } from '../src/store/db.js';
import { createDefaultFolders } from '../src/store/folders.js';
import { putBlob } from '../src/store/blobs.js';
import { parseMessage } from '../src/mime/parse.js';
import { runPurge } from '../src/policy/retention.js';

const N = Number(process.argv[2] ?? 1_000_000);
const BATCH = Number(process.argv[3] ?? 500);

function writerLoop(file: string): void {
  const db = openDatabaseFile(file);
  applyPragmas(db);
  const ins = db.prepare('INSERT INTO audit_events (at, actor, subject, action) VALUES (?, ?, ?, ?)');
  let max = 0;
  let count = 0;
  let stop = false;
  parentPort!.on('message', () => (stop = true));
  const step = () => {
    if (stop) {
      parentPort!.postMessage({ max, count });
      db.close();
      return;
    }
    const t0 = performance.now();
    db.transaction(() => ins.run(Date.now(), 'system', 'bench', 'tick'))();
    max = Math.max(max, performance.now() - t0);
    count++;
    setTimeout(step, 2);
  };
  step();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gp-bench-purge-'));
  const cfg = loadConfig({ env: {}, cwd: dir, overrides: { dataDir: join(dir, 'data'), domains: ['example.org'], retention: { batchSize: BATCH } } });
  const db = openDb(cfg.dataDir);
  const t0 = performance.now();
  const old = Date.now() - 200 * 86_400_000;
  const folders: number[] = [];
  const blobs: number[] = [];
  db.transaction(() => {
    db.prepare(`INSERT INTO accounts (id, full_name, phone, level, status, created_at, updated_at) VALUES (1, 'Иванов Иван', '+79123456789', 'confirmed', 'active', 0, 0)`).run();
    for (let m = 0; m < 10; m++) {
      const id = Number(db.prepare(`INSERT INTO mailboxes (account_id, address, local_part, domain, password_hash, created_at, password_changed_at) VALUES (1, ?, ?, 'example.org', 'x', 0, 0)`).run(`user${m}x@example.org`, `user${m}x`).lastInsertRowid);
      createDefaultFolders(db, id);
    }
    for (const r of db.prepare('SELECT id FROM folders').all() as Array<{ id: number }>) folders.push(r.id);
    for (let b = 0; b < 100; b++) {
      const raw = Buffer.from(`From: <a@example.org>\r\nSubject: bench ${b}\r\n\r\n${'x'.repeat(2000)}\r\n`);
      blobs.push(putBlob(db, raw, parseMessage(raw), 0));
    }
  })();
  const ins = db.prepare('INSERT INTO messages (folder_id, uid, blob_id, size, internal_date, stored_at, modseq) VALUES (?, ?, ?, 2048, ?, ?, 1)');
  const uid = new Map<number, number>();
  const refs = new Map<number, number>();
  for (let done = 0; done < N; ) {
    db.transaction(() => {
      for (let i = 0; i < 50_000 && done < N; i++, done++) {
        const f = folders[done % folders.length]!;
        const b = blobs[done % blobs.length]!;
        const u = (uid.get(f) ?? 0) + 1;
        uid.set(f, u);
        refs.set(b, (refs.get(b) ?? 0) + 1);
        ins.run(f, u, b, old, old + done);
      }
    })();
  }
  db.transaction(() => {
    for (const [f, u] of uid) db.prepare('UPDATE folders SET uidnext = ? WHERE id = ?').run(u + 1, f);
    for (const [b, n] of refs) db.prepare('UPDATE blobs SET refcount = ? WHERE id = ?').run(n, b);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const file = dbPath(cfg.dataDir);
  const before = statSync(file).size;
  console.log(`built ${N} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s; database ${(before / 1048576).toFixed(0)} MB`);

  const w = new Worker(fileURLToPath(import.meta.url), { workerData: { file } });
  await new Promise((r) => setTimeout(r, 200));
  const rep = await runPurge({ db, cfg });
  w.postMessage('stop');
  const writer = await new Promise<{ max: number; count: number }>((r) => w.once('message', r));
  await w.terminate();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const after = statSync(file).size;
  console.log(`purged ${rep.messages} messages (${(rep.bytes / 1048576).toFixed(0)} MB) in ${(rep.durationMs / 1000).toFixed(1)} s: ${Math.round(rep.messages / (rep.durationMs / 1000))} messages/s, batch ${BATCH}`);
  console.log(`longest purge transaction ${rep.maxBatchMs.toFixed(1)} ms; concurrent writer: ${writer.count} writes, longest ${writer.max.toFixed(1)} ms`);
  console.log(`database file ${(before / 1048576).toFixed(0)} MB → ${(after / 1048576).toFixed(0)} MB`);
  db.close();
  rmSync(dir, { recursive: true, force: true });
}

if (isMainThread) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
} else {
  writerLoop((workerData as { file: string }).file);
}
