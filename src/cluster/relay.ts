/**
 * The primary's side of the acknowledged change feed (cluster/feed.ts): a change a
 * worker committed goes to the other workers that want it, and the worker that
 * made it is told `relayed` once all of them said `applied` — only then does its
 * writer answer its client, so the change is visible on every connection.
 *
 * Who wants a change: a folder's changes go only to the workers whose sessions
 * have that folder selected (they said `watch`, cluster/interest.ts); `access`
 * changes go to every worker. A `watch` is passed to every other worker, and
 * answered `watched` once all of them applied it: from then on they send the
 * watcher that folder's changes. Changes of the primary itself (the scheduler's
 * purges) go to the workers that want them, unacknowledged.
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

/** What a relayed message waits for: the workers yet to apply it, then what to say to its origin. */
interface Pending {
  origin: Worker;
  left: Set<Worker>;
  answer: ToWorker;
}

export class ChangeRelay {
  /** Relayed changes and watches of a worker not yet applied by every other worker. */
  private readonly pending = new Map<number, Pending>();
  /** The folders each worker's sessions watch. */
  private readonly watches = new Map<Worker, Set<number>>();
  private nextId = 0;

  /** `workers()`: the live workers now; `ready(w)`: whether it has said it is listening (it hears the primary from then on). */
  constructor(
    private readonly workers: () => Worker[],
    private readonly ready: (w: Worker) => boolean = () => true,
  ) {}

  private wants(w: Worker, ev: ChangeEvent): boolean {
    return ev.type === 'access' || (this.watches.get(w)?.has(ev.folderId) ?? false);
  }

  /** A change to every other worker that wants it; one from a worker (`seq` set) is acknowledged to it when all applied it. */
  relay(from: Worker | null, ev: ChangeEvent, seq?: number): void {
    const others = this.workers().filter((w) => w !== from && w.isConnected() && this.wants(w, ev));
    if (!from || seq === undefined) {
      for (const w of others) tell(w, { gp: 'change', ev });
      return;
    }
    const id = this.wait(from, others, { gp: 'relayed', seq });
    for (const w of others) tell(w, { gp: 'change', ev, id });
  }

  /** Worker `w`'s sessions select `folderId`: every other worker is told, and `w` answered when all applied it. */
  watch(w: Worker, folderId: number, watchId: number): void {
    let set = this.watches.get(w);
    if (!set) this.watches.set(w, (set = new Set()));
    set.add(folderId);
    // A worker not yet listening is sent the whole table when it is (`watchers`).
    const others = this.workers().filter((o) => o !== w && o.isConnected() && this.ready(o));
    const id = this.wait(w, others, { gp: 'watched', id: watchId });
    for (const o of others) tell(o, { gp: 'watching', folderId, on: true, id });
  }

  unwatch(w: Worker, folderId: number): void {
    if (!this.watches.get(w)?.delete(folderId)) return;
    for (const o of this.workers()) if (o !== w) tell(o, { gp: 'watching', folderId, on: false });
  }

  /** What the workers other than `w` watch: each folder and how many of them. */
  watchersFor(w: Worker): Array<[number, number]> {
    const count = new Map<number, number>();
    for (const [o, set] of this.watches) if (o !== w) for (const f of set) count.set(f, (count.get(f) ?? 0) + 1);
    return [...count];
  }

  /** Worker `w` applied relayed change or watch `id`. */
  applied(w: Worker, id: number): void {
    const p = this.pending.get(id);
    if (p && p.left.delete(w) && p.left.size === 0) this.finish(id);
  }

  /** Nobody waits for a dead worker, nobody is told about its own changes, and what it watched is unwatched. */
  gone(w: Worker): void {
    for (const [id, p] of this.pending) {
      if (p.origin === w) this.pending.delete(id);
      else if (p.left.delete(w) && p.left.size === 0) this.finish(id);
    }
    for (const f of this.watches.get(w) ?? []) this.unwatch(w, f);
    this.watches.delete(w);
  }

  private wait(origin: Worker, left: Worker[], answer: ToWorker): number {
    const id = ++this.nextId;
    this.pending.set(id, { origin, left: new Set(left), answer });
    if (left.length === 0) this.finish(id);
    return id;
  }

  private finish(id: number): void {
    const p = this.pending.get(id)!;
    this.pending.delete(id);
    tell(p.origin, p.answer);
  }
}
