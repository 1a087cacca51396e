/**
 * The in-process event bus. Store modules publish typed change events after their
 * transaction commits; IMAP sessions with the folder selected (and IDLE) turn them
 * into untagged EXISTS / FETCH / EXPUNGE at the moments RFC 3501 §7.4.1 allows.
 */

export type ChangeEvent =
  /** New messages in a folder (delivery, APPEND, COPY, MOVE). */
  | { type: 'exists'; folderId: number; uids: number[]; modseq: number }
  /** Flags changed. */
  | { type: 'flags'; folderId: number; uids: number[]; modseq: number; origin?: string }
  /** Messages removed (EXPUNGE, MOVE, purge). */
  | { type: 'expunge'; folderId: number; uids: number[]; modseq: number }
  /** A folder was deleted or renamed: sessions selecting it must notice. */
  | { type: 'folder'; mailboxId: number; folderId: number; change: 'deleted' | 'renamed' | 'created' }
  /** A mailbox may no longer be used (block, delete, consent revoked, password change). */
  | { type: 'access'; mailboxId: number; reason: string };

type Listener = (ev: ChangeEvent) => void;

export class EventBus {
  private readonly listeners = new Set<Listener>();
  /**
   * Listeners of one folder's changes (an IMAP session hears only the folder it has
   * selected): a delivery reaches that folder's sessions without a call to every
   * other session of the process.
   */
  private readonly byFolder = new Map<number, Set<Listener>>();

  /** Called with every listener error (the composition root logs them). */
  onError: (err: unknown, ev: ChangeEvent) => void = () => {};

  /** Deliver to every subscriber (and those of its folder); one that throws never hides the change from the others. */
  publish(ev: ChangeEvent): void {
    const folder = ev.type === 'access' ? undefined : this.byFolder.get(ev.folderId);
    const all = folder ? [...this.listeners, ...folder] : [...this.listeners];
    for (const fn of all) {
      try {
        fn(ev);
      } catch (e) {
        this.onError(e, ev);
      }
    }
  }

  /** Every change. */
  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The changes of one folder only: its messages ('exists', 'flags', 'expunge') and the folder itself ('folder'). */
  subscribeFolder(folderId: number, fn: Listener): () => void {
    let set = this.byFolder.get(folderId);
    if (!set) this.byFolder.set(folderId, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0 && this.byFolder.get(folderId) === set) this.byFolder.delete(folderId);
    };
  }

  /** Whether anything in this process listens to that folder's changes. */
  listensTo(folderId: number): boolean {
    return this.byFolder.has(folderId);
  }

  /**
   * Before a session reads a folder to select it: resolves when every process of
   * the server sends this one the folder's changes from now on, so none committed
   * after the read can be missed (cluster/interest.ts sets it in a worker; alone,
   * a process hears all its own changes).
   */
  watch: (folderId: number) => Promise<void> = () => Promise.resolve();

  /** Listeners of every change, and of one folder's. */
  get size(): number {
    let n = this.listeners.size;
    for (const set of this.byFolder.values()) n += set.size;
    return n;
  }

  /**
   * When the changes published so far have reached every process of the server
   * (cluster/feed.ts sets it in a worker; alone, a process has nobody to wait for).
   * The writer answers a write only after this, so a client that saw OK on one
   * connection finds the change on its others, whichever worker serves them.
   */
  settled: () => Promise<void> = () => Promise.resolve();
}
