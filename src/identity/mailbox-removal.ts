/**
 * Retiring a mailbox: status deleted (the address stays taken forever), password
 * hash erased, messages removed and their blob references released, then blobs
 * nobody references are freed (chunks and search rows with them).
 */
import type { Db } from '../store/db.js';
import { markMailboxDeleted, removeMailboxContent, type MailboxRow } from '../store/mailboxes.js';
import { collectGarbage } from '../store/blobs.js';
import { audit } from '../store/audit.js';

export interface RemovalResult {
  messages: number;
  bytes: number;
}

/** Runs inside the caller's transaction. */
export function retireMailbox(db: Db, mb: MailboxRow, actor: string, at: number, why: string): RemovalResult {
  const removed = removeMailboxContent(db, mb.id);
  markMailboxDeleted(db, mb.id, at);
  audit(db, {
    at,
    actor,
    subject: `mailbox:${mb.address}`,
    action: 'mailbox.delete',
    accountId: mb.account_id,
    mailboxId: mb.id,
    details: { reason: why, messages: removed.messages, bytes: removed.bytes },
  });
  return removed;
}

/** Free every unreferenced blob (after the deletion committed). */
export function freeUnreferencedBlobs(db: Db): { blobs: number; bytes: number } {
  let blobs = 0;
  let bytes = 0;
  for (;;) {
    const r = collectGarbage(db, 500);
    blobs += r.blobs;
    bytes += r.bytes;
    if (r.blobs === 0) return { blobs, bytes };
  }
}
