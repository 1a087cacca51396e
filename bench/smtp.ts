/**
 * `npm run bench:smtp`: SMTP submission throughput and latency, durably.
 *
 * The whole server (startServer) runs in this process on ephemeral ports with a
 * fresh SQLite file (synchronous=FULL, WAL). SESSIONS concurrent authenticated TLS
 * sessions (./smtp-clients.ts: AUTH once per session, one command at a time)
 * submit COUNT messages of a given size, each to one local mailbox. The message
 * data is built and dot-stuffed once, so the client does no MIME encoding and the
 * figures are the server's. Prints messages/s, p50/p99 of the submission round trip as the client sees it
 * (from MAIL FROM to the 250 — which the server sends only after COMMIT), peak
 * RSS, and transactions (fsyncs) per message from the group-committing writer.
 *
 *   node dist/bench/smtp.js [sessions=20] [count10k=4000] [count1m=200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loopbackConfig } from '../test/helpers/loopback-config.js';
import { silentLogger } from '../src/shared/logger.js';
import { startServer } from '../src/main.js';
import { confirmedAccount, mailboxes } from './people.js';
import { pct, runClients } from './smtp-clients.js';

const SESSIONS = Number(process.argv[2] ?? 20);
const COUNT_10K = Number(process.argv[3] ?? 4000);
const COUNT_1M = Number(process.argv[4] ?? 200);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gp-bench-smtp-'));
  const cfg = loopbackConfig(dir, { hostname: 'bench.example.org', limits: { dailyRecipients: 10_000_000 } });
  const server = await startServer(cfg, { log: silentLogger, pidFile: false, scheduler: false });
  const ctx = { db: server.db, cfg, actor: 'operator:bench' };
  const users = await mailboxes(ctx, await confirmedAccount(ctx), 'user', SESSIONS);

  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

  console.log(`SMTP submission bench: ${SESSIONS} sessions, implicit TLS, synchronous=FULL, Node ${process.version}`);
  console.log('size     messages  msgs/s   MB/s    p50 ms  p99 ms  tx/msg  peak RSS MB');
  for (const [label, size, count] of [['10 KB', 10_000, COUNT_10K], ['1 MB', 1_000_000, COUNT_1M]] as const) {
    if (count <= 0) continue; // that size not asked for
    const b0 = server.writer.stats.batches;
    const r0 = server.writer.stats.requests;
    const t0 = performance.now();
    const lat = await runClients({ port: server.smtpPort, users, size, count });
    const secs = (performance.now() - t0) / 1000;
    lat.sort((a, b) => a - b);
    const batches = server.writer.stats.batches - b0;
    const reqs = server.writer.stats.requests - r0;
    console.log(
      `${label.padEnd(8)} ${String(lat.length).padStart(8)}  ${(lat.length / secs).toFixed(0).padStart(6)}  ${((lat.length * size) / secs / 1e6).toFixed(1).padStart(6)}  ${pct(lat, 50).toFixed(1).padStart(7)} ${pct(lat, 99).toFixed(1).padStart(7)}  ${(batches / Math.max(1, reqs)).toFixed(2).padStart(6)}  ${(peakRss / 1048576).toFixed(0).padStart(6)}`,
    );
  }
  clearInterval(sampler);
  await server.close('bench over');
  rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
