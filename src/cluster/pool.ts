/**
 * The primary's workers: forked one per slot (node:cluster, listeners shared),
 * their messages routed, a dead one started again (after 0.5 s, doubling up to
 * 30 s while it keeps dying) while the others and their clients go on; a worker
 * that cannot start at all fails the start with its reason. A graceful stop tells
 * every worker to shut down and kills what is left after the grace time.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../shared/logger.js';
import type { ChangeEvent } from '../events/bus.js';
import type { MetricFamily } from '../shared/metrics.js';
import { isMessage, type ToPrimary, type ToWorker } from './messages.js';
import { ChangeRelay, tell } from './relay.js';
import { GpError } from '../shared/errors.js';

interface Slot {
  index: number;
  worker: Worker | null;
  ready: boolean;
  ports: { smtpPort: number; imapPort: number; pop3Port: number | null };
  failures: number;
  metrics: MetricFamily[];
}

export interface StartError extends Error {
  code?: string;
  port?: number;
}

export interface PoolEvents {
  /** A worker committed a change (already relayed to the others). */
  onChange(ev: ChangeEvent): void;
  /** A worker queued mail for other domains. */
  onQueued(): void;
}

export class WorkerPool {
  private readonly slots: Slot[];
  /** Counters of workers that died: kept so the sums never go down. */
  private readonly retired: MetricFamily[][] = [];
  private shuttingDown = false;
  private started = false;
  private startFailed: (e: StartError) => void = () => undefined;
  private allReady: () => void = () => undefined;
  readonly relay = new ChangeRelay(
    () => this.live(),
    (w) => this.slots.some((s) => s.worker === w && s.ready),
  );
  private parking: { id: number; left: Set<Worker>; done: () => void } | null = null;
  private parkSeq = 0;

  constructor(
    count: number,
    private readonly log: Logger,
    private readonly events: PoolEvents,
  ) {
    this.slots = Array.from({ length: count }, (_, index) => ({ index, worker: null, ready: false, ports: { smtpPort: 0, imapPort: 0, pop3Port: null }, failures: 0, metrics: [] }));
  }

  /** Fork every worker; resolves when all are listening, rejects when one cannot start. */
  start(): Promise<void> {
    const ready = new Promise<void>((res, rej) => {
      this.allReady = res;
      this.startFailed = rej;
    });
    cluster.setupPrimary({ silent: false });
    for (const s of this.slots) this.fork(s);
    return ready;
  }

  /** The ports the first worker listens on (every worker shares them). */
  get ports(): { smtpPort: number; imapPort: number; pop3Port: number | null } {
    return this.slots[0]!.ports;
  }

  /** The latest metrics of the live workers and the counters of the dead ones. */
  metricSnapshots(): MetricFamily[][] {
    return [...this.retired, ...this.slots.map((s) => s.metrics)];
  }

  tellAll(m: ToWorker): void {
    for (const s of this.slots) tell(s.worker, m);
  }

  /**
   * Every live worker finishes its writes in flight and closes its connection
   * (the key rotation); resolves when all said so, rejects after `timeoutMs`.
   * A worker that dies meanwhile holds no connection: it counts as parked.
   */
  parkAll(timeoutMs: number): Promise<void> {
    const id = ++this.parkSeq;
    const left = new Set(this.live().filter((w) => w.isConnected()));
    return new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        this.parking = null;
        reject(new GpError('ROTATION_PARK_TIMEOUT', `${left.size} worker(s) did not close their database connection within ${timeoutMs} ms; nothing was changed`, { kind: 'internal', temporary: true }));
      }, timeoutMs);
      this.parking = { id, left, done: () => (clearTimeout(t), (this.parking = null), resolve()) };
      for (const w of left) tell(w, { gp: 'park', id });
      if (left.size === 0) this.parking.done();
    });
  }

  private parkedOne(w: Worker, id?: number): void {
    const p = this.parking;
    if (p && (id === undefined || id === p.id) && p.left.delete(w) && p.left.size === 0) p.done();
  }

  private live(): Worker[] {
    return this.slots.map((s) => s.worker).filter((w): w is Worker => w !== null);
  }

  private fork(slot: Slot): void {
    const w = cluster.fork({ GOSPOCHTA_WORKER_INDEX: String(slot.index) });
    slot.worker = w;
    slot.ready = false;
    w.on('error', (err: Error) => this.log.warn({ worker: slot.index, err: err.message }, 'worker channel error'));
    w.on('message', (m: unknown) => {
      if (isMessage<ToPrimary>(m)) this.onMessage(slot, w, m);
    });
    w.on('exit', (code, signal) => this.onExit(slot, w, code, signal));
  }

  private onMessage(slot: Slot, w: Worker, m: ToPrimary): void {
    switch (m.gp) {
      case 'change':
        this.relay.relay(w, m.ev, m.seq);
        this.events.onChange(m.ev);
        break;
      case 'applied':
        this.relay.applied(w, m.id);
        break;
      case 'watch':
        this.relay.watch(w, m.folderId, m.id);
        break;
      case 'unwatch':
        this.relay.unwatch(w, m.folderId);
        break;
      case 'metrics':
        slot.metrics = m.families;
        break;
      case 'queued':
        this.events.onQueued();
        break;
      case 'parked':
        this.parkedOne(w, m.id);
        break;
      case 'ready':
        slot.ready = true;
        slot.ports = { smtpPort: m.smtpPort, imapPort: m.imapPort, pop3Port: m.pop3Port };
        slot.failures = 0;
        // It hears the primary from now on: what the others watch, as of now (`watching` keeps it current).
        tell(w, { gp: 'watchers', folders: this.relay.watchersFor(w) });
        this.log.info({ worker: slot.index, workerPid: w.process.pid }, 'worker ready');
        if (!this.started && this.slots.every((s) => s.ready)) {
          this.started = true;
          this.allReady();
        }
        break;
      case 'fatal':
        if (!this.started) this.startFailed(Object.assign(new Error(m.message), { code: m.code, port: m.port }));
        break;
    }
  }

  private onExit(slot: Slot, w: Worker, code: number | null, signal: string | null): void {
    if (slot.worker === w) slot.worker = null;
    this.relay.gone(w);
    this.parkedOne(w);
    // A dead worker's counters stay in the sums; its gauges (open connections) do not.
    const counters = slot.metrics.filter((f) => f.type === 'counter');
    if (counters.length) this.retired.push(counters);
    slot.metrics = [];
    if (this.shuttingDown) return;
    if (!this.started) {
      this.startFailed(Object.assign(new Error(`worker ${slot.index} exited during start (code ${code}, signal ${signal})`), { code: 'WORKER_START' }));
      return;
    }
    slot.failures++;
    const delay = Math.min(30_000, 500 * 2 ** Math.min(slot.failures - 1, 6));
    this.log.error({ worker: slot.index, workerPid: w.process.pid, code, signal, restartInMs: delay }, 'worker died; starting a new one');
    setTimeout(() => {
      if (!this.shuttingDown) this.fork(slot);
    }, delay).unref();
  }

  /** Tell every worker to stop gracefully; SIGKILL what is left after `graceMs`. */
  async stop(reason: string, graceMs: number): Promise<void> {
    this.shuttingDown = true;
    const alive = this.live();
    const exited = alive.map((w) => new Promise<void>((r) => (w.isDead() ? r() : w.once('exit', () => r()))));
    for (const w of alive) tell(w, { gp: 'shutdown', reason });
    const deadline = setTimeout(() => {
      for (const w of alive) if (!w.isDead()) w.process.kill('SIGKILL');
    }, graceMs);
    await Promise.all(exited);
    clearTimeout(deadline);
  }
}
