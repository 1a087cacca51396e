/**
 * Mailboxes: created only for a confirmed, active account with consent in
 * force; address and password rules; passwd, show, list, delete. Each change is
 * one audit row; changes that end access are announced to a running server.
 */
import { GpError, isGpError, notFound } from '../shared/errors.js';
import type { Db } from '../store/db.js';
import { audit } from '../store/audit.js';
import { getAccount } from '../store/accounts.js';
import { createDefaultFolders } from '../store/folders.js';
import {
  folderUsage, getMailboxByAddress, insertMailbox, listMailboxes, setMailboxPassword,
  type MailboxRow, type MailboxStatus,
} from '../store/mailboxes.js';
import { nowOf, type IdentityContext } from './context.js';
import { accountRefusal, announceAccessChange, mailboxAccess } from './access.js';
import { requireAccount } from './accounts.js';
import { parseMailboxAddress } from './address.js';
import { checkPasswordPolicy, hashPassword } from './passwords.js';
import { freeUnreferencedBlobs, retireMailbox } from './mailbox-removal.js';

export interface MailboxView {
  id: number;
  address: string;
  accountId: number;
  owner: string | null;
  status: MailboxStatus;
  access: { ok: boolean; reason: string | null };
  createdAt: string;
  passwordChangedAt: string;
  deletedAt: string | null;
}

export interface MailboxDetails extends MailboxView {
  folders: Array<{ name: string; specialUse: string | null; messages: number; bytes: number }>;
  messages: number;
  bytes: number;
}

export function mailboxView(db: Db, m: MailboxRow): MailboxView {
  const acc = mailboxAccess(db, m.id);
  return {
    id: m.id,
    address: m.address,
    accountId: m.account_id,
    owner: getAccount(db, m.account_id)?.full_name ?? null,
    status: m.status,
    access: acc.ok ? { ok: true, reason: null } : { ok: false, reason: acc.reason },
    createdAt: new Date(m.created_at).toISOString(),
    passwordChangedAt: new Date(m.password_changed_at).toISOString(),
    deletedAt: m.deleted_at ? new Date(m.deleted_at).toISOString() : null,
  };
}

export function requireMailbox(db: Db, address: string): MailboxRow {
  const m = getMailboxByAddress(db, address.trim());
  if (!m) throw notFound('mailbox', address.trim().toLowerCase());
  return m;
}

export function showMailbox(db: Db, address: string): MailboxDetails {
  const m = requireMailbox(db, address);
  const folders = folderUsage(db, m.id).map((f) => ({ name: f.name, specialUse: f.special_use, messages: f.messages, bytes: f.bytes }));
  return {
    ...mailboxView(db, m),
    folders,
    messages: folders.reduce((n, f) => n + f.messages, 0),
    bytes: folders.reduce((n, f) => n + f.bytes, 0),
  };
}

export function listMailboxViews(db: Db, f: { accountId?: number; status?: MailboxStatus; limit?: number } = {}): MailboxView[] {
  return listMailboxes(db, f).map((m) => mailboxView(db, m));
}

/** Why this account may not get a mailbox now, as a refusal, or null. */
function creationRefusal(db: Db, accountId: number): GpError | null {
  const a = requireAccount(db, accountId);
  if (a.status !== 'active') {
    return new GpError('ACCOUNT_NOT_ACTIVE', `account ${accountId} is ${a.status} (level ${a.level}); a mailbox needs an active account`, {
      details: { status: a.status, level: a.level },
    });
  }
  if (a.level !== 'confirmed') {
    return new GpError(
      'ACCOUNT_NOT_CONFIRMED',
      `account ${accountId} is at level ${a.level}; a mailbox needs a confirmed identity (account confirm)`,
      { details: { status: a.status, level: a.level } },
    );
  }
  const other = accountRefusal(db, a);
  if (other) return new GpError('CONSENT_REVOKED', `account ${accountId}: ${other}`, { details: { status: a.status, level: a.level } });
  return null;
}

export async function createMailbox(ctx: IdentityContext, accountId: number, addressInput: string, password: string): Promise<MailboxView> {
  const { db, cfg } = ctx;
  const refuseAudited = (e: unknown): never => {
    if (isGpError(e) && e.code !== 'NOT_FOUND') {
      audit(db, {
        at: nowOf(ctx), actor: ctx.actor, subject: `account:${accountId}`, action: 'mailbox.create', outcome: 'refused',
        accountId, remote: ctx.remote, details: { address: addressInput, error: e.code, reason: e.message },
      });
    }
    throw e;
  };
  let addr: ReturnType<typeof parseMailboxAddress>;
  try {
    const refusal = creationRefusal(db, accountId);
    if (refusal) throw refusal;
    addr = parseMailboxAddress(cfg, addressInput);
    if (getMailboxByAddress(db, addr.address)) {
      throw new GpError('ADDRESS_TAKEN', `address ${addr.address} has already been issued; addresses are never reissued`, {
        kind: 'conflict', field: 'address',
      });
    }
    checkPasswordPolicy(password, addr.local);
  } catch (e) {
    return refuseAudited(e);
  }
  const hash = await hashPassword(cfg, password);
  const at = nowOf(ctx);
  try {
    const id = db.transaction(() => {
      const refusal = creationRefusal(db, accountId); // re-checked: the account may have changed while hashing
      if (refusal) throw refusal;
      if (getMailboxByAddress(db, addr.address)) {
        throw new GpError('ADDRESS_TAKEN', `address ${addr.address} has already been issued`, { kind: 'conflict', field: 'address' });
      }
      const id = insertMailbox(db, { accountId, address: addr.address, localPart: addr.local, domain: addr.domain, passwordHash: hash, at });
      createDefaultFolders(db, id);
      audit(db, {
        at, actor: ctx.actor, subject: `mailbox:${addr.address}`, action: 'mailbox.create', accountId, mailboxId: id,
        remote: ctx.remote, details: { address: addr.address },
      });
      return id;
    }).immediate();
    return mailboxView(db, listMailboxes(db, { accountId }).find((m) => m.id === id)!);
  } catch (e) {
    return refuseAudited(e);
  }
}

export async function changePassword(ctx: IdentityContext, address: string, password: string): Promise<MailboxView> {
  const { db, cfg } = ctx;
  const m = requireMailbox(db, address);
  if (m.status === 'deleted') throw new GpError('MAILBOX_DELETED', `mailbox ${m.address} is deleted`);
  checkPasswordPolicy(password, m.local_part);
  const hash = await hashPassword(cfg, password);
  const at = nowOf(ctx);
  db.transaction(() => {
    setMailboxPassword(db, m.id, hash, at);
    audit(db, {
      at, actor: ctx.actor, subject: `mailbox:${m.address}`, action: 'mailbox.passwd', accountId: m.account_id, mailboxId: m.id,
      remote: ctx.remote,
    });
  }).immediate();
  announceAccessChange(db, [m.id], 'password changed', ctx.bus);
  return mailboxView(db, requireMailbox(db, m.address));
}

export function deleteMailbox(ctx: IdentityContext, address: string, reason?: string): MailboxView & { removed: { messages: number; bytes: number; blobs: number } } {
  const { db } = ctx;
  const at = nowOf(ctx);
  const m = requireMailbox(db, address);
  if (m.status === 'deleted') throw new GpError('MAILBOX_DELETED', `mailbox ${m.address} is already deleted`, { kind: 'conflict' });
  const removed = db.transaction(() => retireMailbox(db, requireMailbox(db, address), ctx.actor, at, reason ?? 'operator request')).immediate();
  announceAccessChange(db, [m.id], 'mailbox deleted', ctx.bus);
  const gc = freeUnreferencedBlobs(db);
  return { ...mailboxView(db, requireMailbox(db, m.address)), removed: { ...removed, blobs: gc.blobs } };
}
