/**
 * The in-process event bus. Store modules publish typed change events after their
 * transaction commits; IMAP sessions with the folder selected (and IDLE) turn them
 * into untagged EXISTS / FETCH / EXPUNGE at the moments RFC 3501 §7.4.1 allows.
 */
import { EventEmitter } from 'node:events';

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
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(ev: ChangeEvent): void {
    this.emitter.emit('change', ev);
  }

  subscribe(fn: (ev: ChangeEvent) => void): () => void {
    this.emitter.on('change', fn);
    return () => this.emitter.off('change', fn);
  }
}
