/**
 * The primary's side of the acknowledged change feed (cluster/feed.ts): a change a
 * worker committed goes to every other worker, and the worker that made it is told
 * `relayed` once all of them said `applied` — only then does its writer answer its
 * client, so the change is visible on every connection. Changes of the primary
 * itself (the scheduler's purges) go to every worker unacknowledged.
 */
import type { Worker } from 'node:cluster';
import type { ChangeEvent } from '../events/bus.js';
import type { ToWorker } from './messages.js';

/**
 * Send to a worker. One that just died may still look connected: a failed send is
 * that worker's end, reported by its 'exit', never the primary's.
 */
export function tell(w: Worker | null, m: ToWorker): void {
  if (w && w.isConnected()) w.send(m, undefined, () => undefined);
}

export class ChangeRelay {
  /** Relayed changes of a worker not yet applied by every other worker. */
  private readonly pending = new Map<number, { origin: Worker; seq: number; left: Set<Worker> }>();
  private nextId = 0;

  /** `workers()`: the live workers now. */
  constructor(private readonly workers: () => Worker[]) {}

  /** A change to every other worker; one from a worker (`seq` set) is acknowledged to it when all applied it. */
  relay(from: Worker | null, ev: ChangeEvent, seq?: number): void {
    const others = this.workers().filter((w) => w !== from && w.isConnected());
    if (!from || seq === undefined) {
      for (const w of others) tell(w, { gp: 'change', ev });
      return;
    }
    const id = ++this.nextId;
    this.pending.set(id, { origin: from, seq, left: new Set(others) });
    for (const w of others) tell(w, { gp: 'change', ev, id });
    if (others.length === 0) this.finish(id);
  }

  /** Worker `w` published relayed change `id` on its bus. */
  applied(w: Worker, id: number): void {
    const p = this.pending.get(id);
    if (p && p.left.delete(w) && p.left.size === 0) this.finish(id);
  }

  /** Nobody waits for a dead worker, and nobody is told about its own changes. */
  gone(w: Worker): void {
    for (const [id, p] of this.pending) {
      if (p.origin === w) this.pending.delete(id);
      else if (p.left.delete(w) && p.left.size === 0) this.finish(id);
    }
  }

  private finish(id: number): void {
    const p = this.pending.get(id)!;
    this.pending.delete(id);
    tell(p.origin, { gp: 'relayed', seq: p.seq });
  }
}
