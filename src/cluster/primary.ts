/**
 * The primary process of a clustered server (`workers` > 1): one service to start
 * and stop, many processes doing the work.
 *
 * - Before any worker starts: the database is opened and migrated, the TLS
 *   material generated when there is none, the pid file written — once.
 * - It forks `workers` workers (node:cluster; the listeners are shared, the
 *   primary hands out connections round-robin), relays each worker's committed
 *   changes to the others (cluster/feed.ts), and runs the retention scheduler
 *   itself, on its own connection, its purges fed to every worker the same way.
 * - A worker that dies is started again (after 0.5 s, up to 30 s when it keeps
 *   dying); the others and their clients go on. A worker that cannot start at
 *   all (a port that cannot be bound) stops the whole server with its reason.
 * - SIGTERM / SIGINT: every worker is told to stop gracefully (DATA in progress
 *   may finish, IMAP sessions get BYE); then the database is checkpointed and
 *   closed and the pid file removed. SIGHUP: the workers re-read the certificate.
 * - The metrics endpoint, when configured, serves the sum of the workers' counters.
 */
import cluster, { type Worker } from 'node:cluster';
import { writeFileSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import { openDb } from '../store/db.js';
import { keyOptions } from '../store/key.js';
import { checkPrivateModes } from '../shared/file-modes.js';
import { privateFiles } from '../main.js';
import { audit } from '../store/audit.js';
import { checkpoint } from '../store/maintenance.js';
import { EventBus, type ChangeEvent } from '../events/bus.js';
import { loadTls } from '../tls/certs.js';
import { startScheduler } from '../policy/scheduler.js';
import { startMetricsServer } from '../ops/metrics-server.js';
import { createServerRegistry, type MetricFamily } from '../shared/metrics.js';
import { PID_FILE } from '../ops/server-running.js';
import { linkBus } from './feed.js';
import { Writer } from '../store/deliver.js';
import { startOutbound, type OutboundRunner } from '../mta/outbound.js';
import { isMessage, type ToPrimary, type ToWorker } from './messages.js';

interface Slot {
  index: number;
  worker: Worker | null;
  ready: boolean;
  ports: { smtpPort: number; imapPort: number };
  failures: number;
  metrics: MetricFamily[];
}

interface StartError extends Error {
  code?: string;
  port?: number;
}

function mergeMetrics(snapshots: MetricFamily[][]) {
  const reg = createServerRegistry();
  for (const families of snapshots) {
    for (const f of families) {
      for (const s of f.samples) {
        if (f.type === 'counter') reg.inc(f.name, s.labels, s.value);
        else reg.add(f.name, s.value, s.labels);
      }
    }
  }
  return reg;
}

/** Runs until SIGTERM/SIGINT; rejects when the workers cannot start. */
export async function runPrimary(cfg: Config, log: Logger): Promise<void> {
  const db = openDb(cfg.dataDir, { key: keyOptions(cfg) });
  const tls = loadTls(cfg, log);
  for (const w of checkPrivateModes(privateFiles(cfg, tls.keyPath))) log.warn(w, `${w.path} has mode ${w.mode}; it holds secrets or personal data: chmod ${w.want}`);
  const bus = new EventBus();
  bus.onError = (e, ev) => log.error({ err: e, event: ev.type }, 'change listener failed');
  const pidPath = join(cfg.dataDir, PID_FILE);
  writeFileSync(pidPath, `${process.pid}\n`, { mode: 0o600 });

  const slots: Slot[] = Array.from({ length: cfg.workers }, (_, index) => ({ index, worker: null, ready: false, ports: { smtpPort: 0, imapPort: 0 }, failures: 0, metrics: [] }));
  /** Counters of workers that died: kept so the sums never go down. */
  const retired: MetricFamily[][] = [];
  let shuttingDown = false;
  let outbound: OutboundRunner | null = null;
  let started = false;

  // A worker that just died may still look connected: a failed send is that worker's
  // end, reported by its 'exit', never the primary's.
  const tell = (w: Worker | null, m: ToWorker) => {
    if (w && w.isConnected()) w.send(m, undefined, () => undefined);
  };
  const receivers = new Set<(ev: ChangeEvent) => void>();
  /** Relayed changes of a worker not yet applied by every other worker. */
  const pending = new Map<number, { origin: Worker; seq: number; left: Set<Worker> }>();
  let nextId = 0;
  const finish = (id: number) => {
    const p = pending.get(id)!;
    pending.delete(id);
    tell(p.origin, { gp: 'relayed', seq: p.seq });
  };
  /**
   * A change to every other worker. One from a worker (`seq` set) is answered with
   * `relayed` once they all said `applied`: its writer answers its client only then.
   */
  const relay = (from: Worker | null, ev: ChangeEvent, seq?: number) => {
    const others = slots.map((s) => s.worker).filter((w): w is Worker => w !== null && w !== from && w.isConnected());
    if (!from || seq === undefined) {
      for (const w of others) tell(w, { gp: 'change', ev });
      return;
    }
    const id = ++nextId;
    pending.set(id, { origin: from, seq, left: new Set(others) });
    for (const w of others) tell(w, { gp: 'change', ev, id });
    if (others.length === 0) finish(id);
  };
  // The primary's own changes (the scheduler's purges) go to every worker.
  linkBus(bus, {
    send: (ev) => relay(null, ev),
    onReceive(fn) {
      receivers.add(fn);
      return () => receivers.delete(fn);
    },
  });

  let startFailed: (e: StartError) => void = () => undefined;
  let allReady: () => void = () => undefined;
  const readyP = new Promise<void>((res, rej) => {
    allReady = res;
    startFailed = rej;
  });

  const fork = (slot: Slot) => {
    const w = cluster.fork({ GOSPOCHTA_WORKER_INDEX: String(slot.index) });
    slot.worker = w;
    slot.ready = false;
    w.on('error', (err: Error) => log.warn({ worker: slot.index, err: err.message }, 'worker channel error'));
    w.on('message', (m: unknown) => {
      if (!isMessage<ToPrimary>(m)) return;
      if (m.gp === 'change') {
        relay(w, m.ev, m.seq);
        for (const fn of receivers) fn(m.ev);
      } else if (m.gp === 'applied') {
        const p = pending.get(m.id);
        if (p && p.left.delete(w) && p.left.size === 0) finish(m.id);
      } else if (m.gp === 'metrics') slot.metrics = m.families;
      else if (m.gp === 'queued') outbound?.kick();
      else if (m.gp === 'ready') {
        slot.ready = true;
        slot.ports = { smtpPort: m.smtpPort, imapPort: m.imapPort };
        slot.failures = 0;
        log.info({ worker: slot.index, workerPid: w.process.pid }, 'worker ready');
        if (!started && slots.every((s) => s.ready)) {
          started = true;
          allReady();
        }
      } else if (m.gp === 'fatal' && !started) {
        startFailed(Object.assign(new Error(m.message), { code: m.code, port: m.port }));
      }
    });
    w.on('exit', (code, signal) => {
      if (slot.worker === w) slot.worker = null;
      // Nobody waits for a dead worker, and nobody is told about its own changes.
      for (const [id, p] of pending) {
        if (p.origin === w) pending.delete(id);
        else if (p.left.delete(w) && p.left.size === 0) finish(id);
      }
      // A dead worker's counters stay in the sums; its gauges (open connections) do not.
      const counters = slot.metrics.filter((f) => f.type === 'counter');
      if (counters.length) retired.push(counters);
      slot.metrics = [];
      if (shuttingDown) return;
      if (!started) {
        startFailed(Object.assign(new Error(`worker ${slot.index} exited during start (code ${code}, signal ${signal})`), { code: 'WORKER_START' }));
        return;
      }
      slot.failures++;
      const delay = Math.min(30_000, 500 * 2 ** Math.min(slot.failures - 1, 6));
      log.error({ worker: slot.index, workerPid: w.process.pid, code, signal, restartInMs: delay }, 'worker died; starting a new one');
      setTimeout(() => {
        if (!shuttingDown) fork(slot);
      }, delay).unref();
    });
  };

  const stopAll = async (reason: string) => {
    shuttingDown = true;
    const alive = slots.map((s) => s.worker).filter((w): w is Worker => w !== null);
    const exited = alive.map((w) => new Promise<void>((r) => (w.isDead() ? r() : w.once('exit', () => r()))));
    for (const w of alive) tell(w, { gp: 'shutdown', reason });
    const deadline = setTimeout(() => {
      for (const w of alive) if (!w.isDead()) w.process.kill('SIGKILL');
    }, cfg.smtp.shutdownGraceMs + 10_000);
    await Promise.all(exited);
    clearTimeout(deadline);
  };

  cluster.setupPrimary({ silent: false });
  for (const s of slots) fork(s);
  try {
    await readyP;
  } catch (e) {
    await stopAll('start failed');
    db.close();
    rmSync(pidPath, { force: true });
    throw e;
  }

  const scheduler = startScheduler({ db, cfg, bus, log: log.child({ svc: 'scheduler' }) });
  // The outbound queue runs here, once for the whole server; its delivery reports go
  // through this process's writer and reach the workers' sessions by the change feed.
  const writer = new Writer(db, bus);
  outbound = cfg.outbound.enabled ? startOutbound({ db, cfg, log: log.child({ svc: 'outbound' }), writer }) : null;
  const metricsServer = cfg.metrics.port
    ? await startMetricsServer(cfg, {
        registry: { render: () => mergeMetrics([...retired, ...slots.map((s) => s.metrics)]).render() },
      })
    : null;
  const ports = slots[0]!.ports;
  audit(db, { actor: 'system', subject: 'server', action: 'server.start', details: { ...ports, workers: cfg.workers, selfSignedCertificate: tls.selfSigned } });
  log.info({ ...ports, workers: cfg.workers, domains: cfg.domains, dataDir: cfg.dataDir }, 'gospochta ready');

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ reason: `received ${signal}` }, 'shutting down');
      void (async () => {
        try {
          await scheduler.stop();
          await outbound?.stop();
          await stopAll(`received ${signal}`);
          await writer.close();
          log.info('workers stopped');
          await metricsServer?.close();
          audit(db, { actor: 'system', subject: 'server', action: 'server.stop', details: { reason: `received ${signal}` } });
          checkpoint(db, 'TRUNCATE');
        } catch (e) {
          log.error({ err: e }, 'error during shutdown');
        } finally {
          db.close();
          try {
            if (readFileSync(pidPath, 'utf8').trim() === String(process.pid)) rmSync(pidPath, { force: true });
          } catch {
            /* already gone */
          }
          log.info('stopped');
          resolve();
        }
      })();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => {
      log.info('reloading the TLS certificate in every worker');
      for (const s of slots) tell(s.worker, { gp: 'reload-tls' });
    });
  });
}
