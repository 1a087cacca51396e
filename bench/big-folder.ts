/**
 * What the folder benchmarks share (bench/sort.ts, bench/search.ts): a server in
 * this process on a fresh SQLite file with every listener on an ephemeral port, a
 * big folder filled with message rows over stored blobs (the IMAP client is
 * bench/imap-client.ts), and the timing of a command's first run and its
 * best warm run with the process's CPU time (the machine may be shared; CPU time
 * is the steadier figure).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/load.js';
import { silentLogger } from '../src/shared/logger.js';
import { startServer } from '../src/main.js';
import { confirmedAccount } from './people.js';
import type { Db } from '../src/store/db.js';
import type { IdentityContext } from '../src/identity/context.js';

export { PASSWORD } from './smtp-clients.js';

export interface BenchServer {
  db: Db;
  ctx: IdentityContext;
  accountId: number;
  imapPort: number;
  close(): Promise<void>;
}

export async function benchServer(prefix: string): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const off = { port: 0 };
  const cfg = loadConfig({
    env: {},
    cwd: dir,
    overrides: { dataDir: join(dir, 'data'), domains: ['example.org'], bind: '127.0.0.1', smtp: off, submission: off, mx: off, imap: off, pop3: off, sieve: off, notices: { newDevice: false } },
  });
  const server = await startServer(cfg, { log: silentLogger, pidFile: false, scheduler: false });
  const ctx = { db: server.db, cfg, actor: 'operator:bench' };
  const accountId = await confirmedAccount(ctx);
  return {
    db: server.db,
    ctx,
    accountId,
    imapPort: server.imapPort,
    async close() {
      await server.close('bench over');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface FolderRow {
  blobId: number;
  size: number;
  flags: number;
  /** Internal date (ms). */
  at: number;
}

/** Messages 1..n of an empty folder, row i from `row(i)`, one transaction; each blob referenced once more. */
export function fillFolder(db: Db, folderId: number, n: number, row: (i: number) => FolderRow): void {
  const ins = db.prepare('INSERT INTO messages (folder_id, uid, blob_id, size, flags, internal_date, stored_at, saved_at, modseq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)');
  const ref = db.prepare('UPDATE blobs SET refcount = refcount + 1 WHERE id = ?');
  db.transaction(() => {
    for (let i = 1; i <= n; i++) {
      const r = row(i);
      ins.run(folderId, i, r.blobId, r.size, r.flags, r.at, r.at, r.at);
      ref.run(r.blobId);
    }
    db.prepare('UPDATE folders SET uidnext = ? WHERE id = ?').run(n + 1, folderId);
  })();
}

/** `first (cpu) / best (cpu)` in ms: the first run, then the best wall time of `runs` more, each with its CPU time. */
export async function firstAndWarm(fn: () => Promise<unknown>, runs = 3): Promise<string> {
  const once = async (): Promise<[number, number]> => {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await fn();
    const c = process.cpuUsage(c0);
    return [performance.now() - w0, (c.user + c.system) / 1000];
  };
  const [first, firstCpu] = await once();
  let best: [number, number] = [Infinity, 0];
  for (let i = 0; i < runs; i++) {
    const r = await once();
    if (r[0] < best[0]) best = r;
  }
  return `${first.toFixed(0)} (${firstCpu.toFixed(0)}) / ${best[0].toFixed(0)} (${best[1].toFixed(0)})`;
}
