/**
 * Mailbox quotas (RFC 9208): what a mailbox uses — `used_bytes` and
 * `used_messages` on its row, kept by the triggers of migration 10 on every
 * message inserted or deleted in any of its folders — and its limits: the
 * mailbox's own `quota_bytes` when the operator set one, else the configured
 * defaults. The check against the limits runs inside the delivering transaction
 * (store/deliver.ts), so two concurrent deliveries cannot both pass it.
 */
import { cached, type Db } from './db.js';
import { GpError } from '../shared/errors.js';

export interface QuotaDefaults {
  /** limits.mailboxBytes */
  bytes: number;
  /** limits.mailboxMessages */
  messages: number;
}

export interface MailboxQuota {
  mailboxId: number;
  address: string;
  usedBytes: number;
  usedMessages: number;
  limitBytes: number;
  limitMessages: number;
  /** The operator set this mailbox's byte limit (else it is the default). */
  own: boolean;
}

/** The RFC 9208 resource a delivery would exceed. */
export type QuotaResource = 'STORAGE' | 'MESSAGE';

export function mailboxQuota(db: Db, mailboxId: number, defaults: QuotaDefaults): MailboxQuota | undefined {
  const r = cached(db, 'SELECT id, address, quota_bytes, used_bytes, used_messages FROM mailboxes WHERE id = ?').get(mailboxId) as
    | { id: number; address: string; quota_bytes: number | null; used_bytes: number; used_messages: number }
    | undefined;
  if (!r) return undefined;
  return {
    mailboxId: r.id,
    address: r.address,
    usedBytes: r.used_bytes,
    usedMessages: r.used_messages,
    limitBytes: r.quota_bytes ?? defaults.bytes,
    limitMessages: defaults.messages,
    own: r.quota_bytes !== null,
  };
}

/** The mailbox a folder belongs to. */
export function mailboxOfFolder(db: Db, folderId: number): number | undefined {
  return cached(db, 'SELECT mailbox_id FROM folders WHERE id = ?').pluck().get(folderId) as number | undefined;
}

/** Set (bytes) or clear (null: back to limits.mailboxBytes) a mailbox's own byte limit. */
export function setQuotaBytes(db: Db, mailboxId: number, bytes: number | null): void {
  cached(db, 'UPDATE mailboxes SET quota_bytes = ? WHERE id = ?').run(bytes, mailboxId);
}

/** The resource that adding `bytes` in `messages` messages would take past its limit, or null. */
export function exceeded(q: MailboxQuota, bytes: number, messages: number): QuotaResource | null {
  if (q.usedBytes + bytes > q.limitBytes) return 'STORAGE';
  if (q.usedMessages + messages > q.limitMessages) return 'MESSAGE';
  return null;
}

/**
 * Refuse (GpError OVERQUOTA, IMAP `NO [OVERQUOTA]` by its code, SMTP 552 5.2.2)
 * adding `bytes` in `messages` messages to a mailbox past a limit. Returns the
 * quota before the addition.
 */
export function enforceQuota(db: Db, o: { mailboxId: number; bytes: number; messages: number; defaults: QuotaDefaults }): MailboxQuota | undefined {
  const q = mailboxQuota(db, o.mailboxId, o.defaults);
  if (!q) return undefined;
  const r = exceeded(q, o.bytes, o.messages);
  if (r) {
    const text =
      r === 'STORAGE'
        ? `mailbox ${q.address} is full: ${q.usedBytes} of ${q.limitBytes} bytes used, the message has ${o.bytes}`
        : `mailbox ${q.address} is full: it holds ${q.usedMessages} of ${q.limitMessages} messages`;
    throw new GpError('OVERQUOTA', text, { details: { mailbox: q.address, resource: r } });
  }
  return q;
}

/** A delivery took the mailbox from below `percent` of a limit to at or above it. */
export function crossedWarning(before: MailboxQuota, after: MailboxQuota, percent: number): boolean {
  const over = (used: number, limit: number) => used * 100 >= limit * percent;
  return (
    (!over(before.usedBytes, before.limitBytes) && over(after.usedBytes, after.limitBytes)) ||
    (!over(before.usedMessages, before.limitMessages) && over(after.usedMessages, after.limitMessages))
  );
}
