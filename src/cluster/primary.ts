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
import { writeFileSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import { keyOptions } from '../store/key.js';
import { openServerDb } from '../main.js';
import { warnAtStart } from '../start-checks.js';
import { startCheckpointer, type Checkpointer } from '../store/checkpointer.js';
import { startControlSocket, type ControlSocket } from '../ops/control-socket.js';
import type { SwappableDb } from '../store/swappable.js';
import { keyRotateRequest } from '../store/rotate-online.js';
import { audit } from '../store/audit.js';
import { checkpoint } from '../store/maintenance.js';
import { EventBus, type ChangeEvent } from '../events/bus.js';
import { loadTls } from '../tls/certs.js';
import { startScheduler } from '../policy/scheduler.js';
import { startMetricsServer } from '../ops/metrics-server.js';
import { createServerRegistry, metrics as ownMetrics, METRIC, type MetricFamily } from '../shared/metrics.js';
import { PID_FILE } from '../ops/server-running.js';
import { linkBus } from './feed.js';
import { Writer } from '../store/deliver.js';
import { startOutbound, type OutboundRunner } from '../mta/outbound.js';
import { WorkerPool } from './pool.js';

/** Longest the workers may take to finish their writes in flight and close their connections. */
const PARK_TIMEOUT_MS = 30_000;

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

/** The workers, their changes fed to each other, and the primary's own changes (the scheduler's purges) to every one. */
function poolWithFeed(cfg: Config, log: Logger, bus: EventBus, kick: () => void): WorkerPool {
  const receivers = new Set<(ev: ChangeEvent) => void>();
  const pool = new WorkerPool(cfg.workers, log, {
    onChange: (ev) => {
      for (const fn of receivers) fn(ev);
    },
    onQueued: kick,
  });
  linkBus(bus, {
    send: (ev) => pool.relay.relay(null, ev),
    onReceive(fn) {
      receivers.add(fn);
      return () => receivers.delete(fn);
    },
  });
  return pool;
}

/** The control socket; `gospochta key rotate`: the workers park, this process re-keys, the workers reopen. */
function rotationControl(o: { cfg: Config; log: Logger; connection: SwappableDb; writer: Writer; pool: WorkerPool; checkpointer: Checkpointer }): Promise<ControlSocket> {
  const rotation = {
    dataDir: o.cfg.dataDir,
    key: keyOptions(o.cfg),
    connection: o.connection,
    writer: o.writer,
    parkOthers: () => Promise.all([o.pool.parkAll(PARK_TIMEOUT_MS), o.checkpointer.park()]).then(() => undefined),
    resumeOthers: () => {
      o.pool.tellAll({ gp: 'resume' });
      o.checkpointer.resume().catch((e: unknown) => o.log.error({ err: e }, 'checkpoint thread did not reopen after the rotation'));
    },
  };
  return startControlSocket({ dataDir: o.cfg.dataDir, log: o.log, handlers: { 'key.rotate': keyRotateRequest(rotation, o.log) } });
}

/** Runs until SIGTERM/SIGINT; rejects when the workers cannot start. */
export async function runPrimary(cfg: Config, log: Logger): Promise<void> {
  const connection = openServerDb(cfg, true);
  const db = connection.db;
  const tls = loadTls(cfg, log);
  warnAtStart({ cfg, log, tlsKeyPath: tls.keyPath, db });
  const checkpointer = startCheckpointer({ db, dataDir: cfg.dataDir, key: keyOptions(cfg), log });
  const bus = new EventBus();
  bus.onError = (e, ev) => log.error({ err: e, event: ev.type }, 'change listener failed');
  const pidPath = join(cfg.dataDir, PID_FILE);
  writeFileSync(pidPath, `${process.pid}\n`, { mode: 0o600 });

  let outbound: OutboundRunner | null = null;
  const pool = poolWithFeed(cfg, log, bus, () => outbound?.kick());
  const graceMs = cfg.smtp.shutdownGraceMs + 10_000;
  try {
    await pool.start();
  } catch (e) {
    await pool.stop('start failed', graceMs);
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
        // The workers' sums, and the queue gauges of the runner in this process.
        registry: { render: () => mergeMetrics([...pool.metricSnapshots(), ownMetrics.snapshot().filter((f) => f.name === METRIC.outboundQueueLength || f.name === METRIC.outboundQueueOldest)]).render() },
      })
    : null;
  const control = await rotationControl({ cfg, log, connection, writer, pool, checkpointer });
  const ports = pool.ports;
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
          await control.close(); // a rotation under way ends first
          await scheduler.stop();
          await outbound?.stop();
          await pool.stop(`received ${signal}`, graceMs);
          await writer.close();
          log.info('workers stopped');
          await metricsServer?.close();
          await checkpointer.stop();
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
      pool.tellAll({ gp: 'reload-tls' });
    });
  });
}
