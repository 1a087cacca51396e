/**
 * The maildrop of one POP3 session (RFC 1939 §4, §6): a snapshot of INBOX taken
 * when the session enters the TRANSACTION state, numbered from 1 in uid order;
 * messages arriving later are not shown until the next session. DELE only marks a
 * message; RSET unmarks all; at QUIT (the UPDATE state) the marked messages get
 * \Deleted and are expunged through the store's writer in one transaction, so IMAP
 * sessions are told at once (the change feed). A session that ends any other way
 * deletes nothing (§6).
 */
import type { Db } from '../store/db.js';
import type { Writer } from '../store/deliver.js';
import type { ChangeEvent } from '../events/bus.js';
import { getFolder } from '../store/folders.js';
import { expungeMessages, getMessage, getMessages, listUids, storeFlags } from '../store/messages.js';
import { FLAG_DELETED } from '../store/flags.js';

export interface DropMessage {
  uid: number;
  blobId: number;
  size: number;
}

export class Maildrop {
  private readonly deleted = new Set<number>();

  private constructor(
    readonly folderId: number,
    readonly uidvalidity: number,
    private readonly messages: readonly DropMessage[],
  ) {}

  /** INBOX of the mailbox now; null when it has none. */
  static open(db: Db, mailboxId: number): Maildrop | null {
    const inbox = getFolder(db, mailboxId, 'INBOX');
    if (!inbox) return null;
    const rows = getMessages(db, inbox.id, listUids(db, inbox.id)).sort((a, b) => a.uid - b.uid);
    return new Maildrop(inbox.id, inbox.uidvalidity, rows.map((r) => ({ uid: r.uid, blobId: r.blobId, size: r.size })));
  }

  /** Messages in the snapshot, deleted ones included (their numbers stay, §5). */
  get count(): number {
    return this.messages.length;
  }

  /** Message number `n` (1-based) unless it is out of range or marked deleted. */
  get(n: number): DropMessage | undefined {
    return this.deleted.has(n) ? undefined : this.messages[n - 1];
  }

  isDeleted(n: number): boolean {
    return this.deleted.has(n);
  }

  /** Numbers and messages not marked deleted, ascending. */
  *live(): Generator<[number, DropMessage]> {
    for (let i = 0; i < this.messages.length; i++) if (!this.deleted.has(i + 1)) yield [i + 1, this.messages[i]!];
  }

  stat(): { count: number; octets: number } {
    let count = 0;
    let octets = 0;
    for (const [, m] of this.live()) (count++, (octets += m.size));
    return { count, octets };
  }

  /** RFC 1939 §7: unique-id, 1–70 characters 0x21–0x7E, the same in every session. */
  uniqueId(m: DropMessage): string {
    return `${this.uidvalidity}.${m.uid}`;
  }

  /** Is the message still in the store (another client may have expunged it)? */
  present(db: Db, m: DropMessage): boolean {
    return getMessage(db, this.folderId, m.uid) !== undefined;
  }

  markDeleted(n: number): void {
    this.deleted.add(n);
  }

  reset(): void {
    this.deleted.clear();
  }

  get deletedCount(): number {
    return this.deleted.size;
  }

  /** The UPDATE state: \Deleted, then expunge of exactly the marked messages. Resolves with how many were removed. */
  commit(writer: Writer): Promise<number> {
    const uids = [...this.deleted].map((n) => this.messages[n - 1]!.uid).sort((a, b) => a - b);
    if (uids.length === 0) return Promise.resolve(0);
    return writer.run((db) => {
      const flagged = storeFlags(db, { folderId: this.folderId, uids, mode: 'add', flags: FLAG_DELETED, keywords: [] });
      const removed = expungeMessages(db, this.folderId, uids);
      const events: ChangeEvent[] = [...flagged.events, ...removed.events];
      return { value: removed.uids.length, events };
    });
  }
}
