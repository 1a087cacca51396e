/**
 * Who a local recipient is (RFC 5321 §4.1.1.3 RCPT): an address of a served
 * domain whose mailbox may be used now receives into its INBOX; an unknown,
 * deleted or blocked one is the same "no such mailbox" (no backscatter, and
 * nothing tells a blocked person from a missing one).
 */
import type { Db } from '../store/db.js';
import { getMailboxByAddress } from '../store/mailboxes.js';
import { getFolder } from '../store/folders.js';
import { mailboxAccess } from './access.js';

export interface LocalRecipient {
  address: string;
  mailboxId: number;
  inboxId: number;
}

export type RecipientLookup =
  | { kind: 'local'; recipient: LocalRecipient }
  | { kind: 'other-domain' }
  | { kind: 'unknown' };

export function lookupRecipient(db: Db, served: ReadonlySet<string>, address: string): RecipientLookup {
  const rcpt = address.toLowerCase();
  const at = rcpt.lastIndexOf('@');
  const domain = at > 0 ? rcpt.slice(at + 1) : '';
  if (!served.has(domain)) return { kind: 'other-domain' };
  const mb = getMailboxByAddress(db, rcpt);
  if (!mb || mb.status !== 'active' || !mailboxAccess(db, mb.id).ok) return { kind: 'unknown' };
  const inbox = getFolder(db, mb.id, 'INBOX');
  if (!inbox) return { kind: 'unknown' };
  return { kind: 'local', recipient: { address: rcpt, mailboxId: mb.id, inboxId: inbox.id } };
}

/** The Junk folder of a mailbox (where a DMARC quarantine verdict puts a message), or its INBOX when it has none. */
export function junkFolderOf(db: Db, r: LocalRecipient): number {
  return getFolder(db, r.mailboxId, 'Junk')?.id ?? r.inboxId;
}
