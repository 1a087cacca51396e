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

export class EventBus {
  private readonly listeners = new Set<(ev: ChangeEvent) => void>();

  /** Called with every listener error (the composition root logs them). */
  onError: (err: unknown, ev: ChangeEvent) => void = () => {};

  /** Deliver to every subscriber; one that throws never hides the change from the others. */
  publish(ev: ChangeEvent): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(ev);
      } catch (e) {
        this.onError(e, ev);
      }
    }
  }

  subscribe(fn: (ev: ChangeEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get size(): number {
    return this.listeners.size;
  }

  /**
   * When the changes published so far have reached every process of the server
   * (cluster/feed.ts sets it in a worker; alone, a process has nobody to wait for).
   * The writer answers a write only after this, so a client that saw OK on one
   * connection finds the change on its others, whichever worker serves them.
   */
  settled: () => Promise<void> = () => Promise.resolve();
}
