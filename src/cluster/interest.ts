/**
 * Which folders' changes a worker sends the others: only those of folders the
 * other workers' sessions have selected, and every `access` change (blocks,
 * deletions: every worker ends the sessions itself). With a user's sessions on
 * one worker, most changes never leave it, and a write does not wait for the
 * other workers to hear of it (cluster/feed.ts, relay.ts).
 *
 * Before a session reads a folder to select it, `watch` tells the primary, which
 * tells every other worker and answers when all of them have it: from then on
 * they send this worker the folder's changes, so none committed after the read is
 * missed, and one committed before it is in what the read found. A folder no
 * session here listens to any more is unwatched by a sweep every few seconds (an
 * interest kept too long costs only events nobody hears). Until the primary has
 * said what the others watch (`watchers`, when this worker is ready), every change
 * is sent.
 */
import type { ChangeEvent, EventBus } from '../events/bus.js';
import type { ToPrimary } from './messages.js';

/** Longest a SELECT waits for the other workers (one dying meanwhile). */
const WATCH_MAX_MS = 2000;
const SWEEP_EVERY_MS = 5000;

export class WorkerInterest {
  /** Folders this worker told the others it watches; `pending` until they all have it. */
  private readonly mine = new Map<number, { done: Promise<void>; pending: boolean }>();
  private readonly answers = new Map<number, () => void>();
  /** How many other workers watch each folder; null until the primary said. */
  private others: Map<number, number> | null = null;
  private seq = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly bus: EventBus,
    private readonly send: (m: ToPrimary) => void,
    private readonly connected: () => boolean,
  ) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  /** Resolves when every other worker sends this one the changes of `folderId`. */
  watch(folderId: number): Promise<void> {
    const known = this.mine.get(folderId);
    if (known) return known.done;
    if (!this.connected()) return Promise.resolve();
    const id = ++this.seq;
    const entry = { pending: true, done: Promise.resolve() };
    entry.done = new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(t);
        this.answers.delete(id);
        entry.pending = false;
        resolve();
      };
      const t = setTimeout(finish, WATCH_MAX_MS);
      this.answers.set(id, finish);
    });
    this.mine.set(folderId, entry);
    this.send({ gp: 'watch', folderId, id });
    return entry.done;
  }

  /** The primary's `watched`: the watch `id` holds. */
  watched(id: number): void {
    this.answers.get(id)?.();
  }

  /** The primary's `watching`: another worker watches a folder, or stopped. */
  watching(folderId: number, on: boolean): void {
    // Before `watchers` every change is sent anyway; the table that comes then counts this one.
    if (!this.others) return;
    const n = (this.others.get(folderId) ?? 0) + (on ? 1 : -1);
    if (n > 0) this.others.set(folderId, n);
    else this.others.delete(folderId);
  }

  /** The primary's `watchers`: what the other workers watch, as this worker starts. */
  watchers(folders: Array<[number, number]>): void {
    this.others = new Map(folders);
  }

  /** Whether a change committed here must go to the other workers. */
  wanted(ev: ChangeEvent): boolean {
    if (ev.type === 'access' || !this.others) return true;
    return this.others.has(ev.folderId);
  }

  /** Folders nobody here listens to any more are unwatched. */
  sweep(): void {
    for (const [folderId, m] of this.mine) {
      if (m.pending || this.bus.listensTo(folderId)) continue;
      this.mine.delete(folderId);
      this.send({ gp: 'unwatch', folderId });
    }
  }

  stop(): void {
    clearInterval(this.sweeper);
  }
}
