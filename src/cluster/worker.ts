/**
 * One worker process of a clustered server: the whole server (SMTP, IMAP, the
 * store, its own SQLite connection to the one WAL database) on listeners shared
 * with the other workers through the primary (node:cluster), its bus linked to
 * the change feed, its counters sent to the primary for the metrics endpoint.
 * It ends when the primary says so (graceful), on SIGTERM / SIGINT (graceful),
 * and at once when the primary is gone (the IPC channel closes).
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import type { ChangeEvent } from '../events/bus.js';
import { startServer, type RunningServer } from '../main.js';
import { fileBarrier } from '../store/swappable.js';
import { rotationMarker, ROTATION_WAIT_MS } from '../store/rotate-online.js';
import { metrics } from '../shared/metrics.js';
import { linkBus } from './feed.js';
import { WorkerInterest } from './interest.js';
import { isMessage, type ToPrimary, type ToWorker } from './messages.js';

const METRICS_EVERY_MS = 1000;
/** Longest a write waits for the other workers to have its change (a worker dying meanwhile). */
const SETTLE_MAX_MS = 2000;

function send(m: ToPrimary): void {
  if (process.connected) process.send!(m, undefined, undefined, () => undefined);
}

/** The key rotation: writes in flight finished, the connection closed; store calls wait on the marker until it ends. */
async function park(running: RunningServer, id: number): Promise<void> {
  await running.writer.drain();
  running.connection.park(fileBarrier(rotationMarker(running.cfg.dataDir), { alive: () => process.connected, timeoutMs: ROTATION_WAIT_MS }));
  send({ gp: 'parked', id });
}

function resume(running: RunningServer, log: Logger): void {
  try {
    running.connection.resume();
  } catch (e) {
    log.error({ err: e }, 'could not reopen the database after the key rotation');
  }
}

export async function runWorker(cfg: Config, log: Logger): Promise<void> {
  let server;
  try {
    server = await startServer(cfg, { log, pidFile: false, scheduler: false, standalone: false, onQueued: () => send({ gp: 'queued' }) });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { port?: number };
    send({ gp: 'fatal', message: err.message, ...(err.code ? { code: err.code } : {}), ...(err.port !== undefined ? { port: err.port } : {}) });
    process.exit(1);
  }
  const running = server;
  const receivers = new Set<(ev: ChangeEvent) => void>();
  // Changes sent are numbered; the primary says when the workers they went to applied them
  // (not in order: each goes only to the workers that watch its folder).
  let sent = 0;
  const unrelayed = new Set<number>();
  const waiting: Array<{ seq: number; done: () => void }> = [];
  running.bus.settled = () => {
    if (unrelayed.size === 0 || !process.connected) return Promise.resolve();
    const seq = sent;
    return new Promise<void>((resolve) => {
      // A worker that never answers (dying) must not hold writes for long.
      const t = setTimeout(resolve, SETTLE_MAX_MS);
      waiting.push({ seq, done: () => (clearTimeout(t), resolve()) });
    });
  };
  const interest = new WorkerInterest(running.bus, send, () => process.connected);
  running.bus.watch = (folderId) => interest.watch(folderId);
  linkBus(running.bus, {
    // Only what another worker wants goes out (and is waited for): cluster/interest.ts.
    send: (ev) => {
      if (!interest.wanted(ev)) return;
      unrelayed.add(++sent);
      send({ gp: 'change', ev, seq: sent });
    },
    onReceive(fn) {
      receivers.add(fn);
      return () => receivers.delete(fn);
    },
  });
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    interest.stop();
    running
      .close(reason)
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        log.error({ err: e }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('message', (m: unknown) => {
    if (!isMessage<ToWorker>(m)) return;
    if (m.gp === 'change') {
      // Acknowledged first, then published in this same turn of the event loop: no command of
      // this worker's sessions can run in between, so the writer may answer while the sessions
      // here are being told (thousands of IDLE sessions take a while).
      if (m.id !== undefined) send({ gp: 'applied', id: m.id });
      for (const fn of receivers) fn(m.ev);
    } else if (m.gp === 'watching') {
      interest.watching(m.folderId, m.on);
      if (m.id !== undefined) send({ gp: 'applied', id: m.id });
    } else if (m.gp === 'watchers') interest.watchers(m.folders);
    else if (m.gp === 'watched') interest.watched(m.id);
    else if (m.gp === 'relayed') {
      unrelayed.delete(m.seq);
      // Every change up to a waiter's is relayed once the oldest one still out is newer.
      let oldest = Infinity;
      for (const q of unrelayed) oldest = Math.min(oldest, q);
      for (let i = waiting.length - 1; i >= 0; i--) if (waiting[i]!.seq < oldest) waiting.splice(i, 1)[0]!.done();
    }
    else if (m.gp === 'shutdown') stop(m.reason);
    else if (m.gp === 'park') void park(running, m.id);
    else if (m.gp === 'resume') resume(running, log);
    else if (m.gp === 'reload-tls') running.reloadTls();
  });
  // The primary is gone (killed): nothing supervises this worker any more.
  process.on('disconnect', () => {
    if (!stopping) process.exit(1);
  });
  process.once('SIGTERM', () => stop('received SIGTERM'));
  process.once('SIGINT', () => stop('received SIGINT'));
  process.on('SIGHUP', () => undefined); // the primary relays SIGHUP as reload-tls
  if (cfg.metrics.port) {
    const t = setInterval(() => send({ gp: 'metrics', families: metrics.snapshot() }), METRICS_EVERY_MS);
    t.unref();
  }
  send({ gp: 'ready', smtpPort: running.smtpPort, imapPort: running.imapPort, pop3Port: running.pop3Port });
}
