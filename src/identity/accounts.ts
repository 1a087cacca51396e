/**
 * Identity accounts: registration with consent (→ simplified), documents
 * (→ standard), block / unblock / delete, consent revocation. Every change is
 * one audit row; changes that can end access announce it (control counter and
 * access events) so a running server acts at once.
 */
import { GpError, invalid, notFound } from '../shared/errors.js';
import type { Db } from '../store/db.js';
import { audit } from '../store/audit.js';
import {
  findAccountBySnils, getAccount, insertAccount, listAccounts, updateAccount,
  type AccountFilter, type AccountPatch, type AccountRow,
} from '../store/accounts.js';
import { activeConsent, insertConsent, revokeConsents, type ConsentRow } from '../store/consents.js';
import { listMailboxes } from '../store/mailboxes.js';
import { nowOf, type IdentityContext } from './context.js';
import { accountMailboxIds, announceAccessChange } from './access.js';
import { freeUnreferencedBlobs, retireMailbox } from './mailbox-removal.js';
import { refuseIfDestroyed } from './personal-data.js';
import {
  formatDate, normalizePhone, normalizeSnils, parseDate, parsePassport, validateContactEmail, validateDivisionCode,
  validateFullName, validateInn,
} from './validators.js';

/** What the person consents to at registration (shown with the consent text version). */
export const CONSENT_PURPOSES = [
  'providing a public-services mailbox',
  'confirming the identity of the mailbox owner',
  'security and the audit journal',
];
export const CONSENT_DATA_LIST = [
  'full name', 'mobile phone number', 'birth date', 'SNILS', 'INN', 'passport series, number, issue date and division code',
  'contact e-mail',
];

export interface AccountView {
  id: number;
  fullName: string;
  phone: string;
  email: string | null;
  birthDate: string | null;
  snils: string | null;
  inn: string | null;
  passport: { series: string; number: string; issued: string | null; division: string | null } | null;
  level: AccountRow['level'];
  status: AccountRow['status'];
  confirmed: { method: string; at: string; by: string | null; details: unknown } | null;
  consent: { version: string; grantedAt: string; purposes: string[]; dataList: string[] } | null;
  mailboxes: string[];
  createdAt: string;
}

export function parseAccountId(input: string | number): number {
  const s = String(input).trim();
  if (!/^\d{1,15}$/.test(s) || Number(s) <= 0) throw invalid('id', 'must be a positive whole number (account id)');
  return Number(s);
}

export function requireAccount(db: Db, id: number): AccountRow {
  const a = getAccount(db, id);
  if (!a) throw notFound('account', id);
  return a;
}

export function accountView(db: Db, a: AccountRow): AccountView {
  return {
    id: a.id,
    fullName: a.full_name,
    phone: a.phone,
    email: a.contact_email,
    birthDate: formatDate(a.birth_date),
    snils: a.snils,
    inn: a.inn,
    passport: a.passport_series && a.passport_number
      ? { series: a.passport_series, number: a.passport_number, issued: formatDate(a.passport_issued), division: a.passport_division }
      : null,
    level: a.level,
    status: a.status,
    confirmed: a.confirmed_method && a.confirmed_at
      ? {
          method: a.confirmed_method,
          at: new Date(a.confirmed_at).toISOString(),
          by: a.confirmed_by,
          details: a.confirmed_details ? (JSON.parse(a.confirmed_details) as unknown) : null,
        }
      : null,
    consent: consentView(activeConsent(db, a.id)),
    mailboxes: listMailboxes(db, { accountId: a.id }).filter((m) => m.status !== 'deleted').map((m) => m.address),
    createdAt: new Date(a.created_at).toISOString(),
  };
}

/** The consent in force as an account view shows it, or null. */
function consentView(c: ConsentRow | undefined): AccountView['consent'] {
  if (!c) return null;
  return {
    version: c.version,
    grantedAt: new Date(c.granted_at).toISOString(),
    purposes: JSON.parse(c.purposes) as string[],
    dataList: JSON.parse(c.data_list) as string[],
  };
}

export function showAccount(db: Db, id: number): AccountView {
  return accountView(db, requireAccount(db, id));
}

export function listAccountViews(db: Db, f: AccountFilter = {}): AccountView[] {
  return listAccounts(db, f).map((a) => accountView(db, a));
}

export interface RegisterInput {
  name: string;
  phone: string;
  consent: boolean;
  birthDate?: string;
  email?: string;
}

export function registerAccount(ctx: IdentityContext, input: RegisterInput): AccountView {
  const at = nowOf(ctx);
  const fullName = validateFullName(input.name);
  const phone = normalizePhone(input.phone);
  const birthDate = input.birthDate ? parseDate(input.birthDate, 'birth_date', { notFuture: true, now: at }) : null;
  const email = input.email ? validateContactEmail(input.email) : null;
  if (!input.consent) {
    throw new GpError('CONSENT_REQUIRED', 'consent to the processing of personal data is required (--consent)', { field: 'consent' });
  }
  const { db, cfg } = ctx;
  const id = db.transaction(() => {
    const id = insertAccount(db, { fullName, phone, birthDate, contactEmail: email, at });
    const consentId = insertConsent(db, {
      accountId: id, version: cfg.identity.consentVersion, purposes: CONSENT_PURPOSES, dataList: CONSENT_DATA_LIST, at,
    });
    audit(db, {
      at, actor: ctx.actor, subject: `account:${id}`, action: 'account.register', accountId: id, remote: ctx.remote,
      details: { level: 'simplified', consentId, consentVersion: cfg.identity.consentVersion },
    });
    return id;
  }).immediate();
  return showAccount(db, id);
}

export interface DocumentsInput {
  snils?: string;
  passport?: string;
  passportIssued?: string;
  passportDivision?: string;
  inn?: string;
  birthDate?: string;
}

/** Store (or change) documents; valid SNILS and passport → standard. Changing them on a confirmed account drops it to standard. */
export function setDocuments(ctx: IdentityContext, id: number, input: DocumentsInput): AccountView {
  const { db } = ctx;
  const at = nowOf(ctx);
  const patch: AccountPatch = {};
  if (input.snils !== undefined) patch.snils = normalizeSnils(input.snils);
  if (input.passport !== undefined) {
    const p = parsePassport(input.passport);
    patch.passport_series = p.series;
    patch.passport_number = p.number;
  }
  if (input.passportIssued !== undefined) patch.passport_issued = parseDate(input.passportIssued, 'passport_issued', { notFuture: true, now: at });
  if (input.passportDivision !== undefined) patch.passport_division = validateDivisionCode(input.passportDivision);
  if (input.inn !== undefined) patch.inn = validateInn(input.inn);
  if (input.birthDate !== undefined) patch.birth_date = parseDate(input.birthDate, 'birth_date', { notFuture: true, now: at });
  if (!Object.keys(patch).length) throw invalid('documents', 'give at least one document (--snils, --passport, …)');

  let dropped = false;
  const view = db.transaction(() => {
    const a = requireAccount(db, id);
    if (a.status === 'deleted') throw new GpError('ACCOUNT_DELETED', `account ${id} is deleted`);
    const birth = patch.birth_date ?? a.birth_date;
    const issued = patch.passport_issued ?? a.passport_issued;
    if (birth && issued && issued < birth) throw invalid('passport_issued', 'must not be before the birth date');
    if (patch.snils && patch.snils !== a.snils) {
      const other = findAccountBySnils(db, patch.snils);
      if (other && other.id !== id) {
        throw new GpError('SNILS_TAKEN', `snils: already belongs to account ${other.id}`, { kind: 'conflict', field: 'snils' });
      }
    }
    const changed = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== (a as unknown as Record<string, unknown>)[k]);
    const next = { ...a, ...patch };
    const hasCore = Boolean(next.snils && next.passport_series && next.passport_number);
    const identityChanged = changed.some((k) => k === 'snils' || k === 'passport_series' || k === 'passport_number');
    let level = a.level;
    if (a.level === 'simplified' && hasCore) level = 'standard';
    if (a.level === 'confirmed' && identityChanged) {
      level = 'standard';
      dropped = true;
      Object.assign(patch, { confirmed_method: null, confirmed_at: null, confirmed_by: null, confirmed_details: null });
    }
    updateAccount(db, id, { ...patch, level }, at);
    audit(db, {
      at, actor: ctx.actor, subject: `account:${id}`, action: 'account.documents', accountId: id, remote: ctx.remote,
      details: { changed, levelBefore: a.level, levelAfter: level },
    });
    return showAccount(db, id);
  }).immediate();
  if (dropped) announceAccessChange(db, accountMailboxIds(db, id), 'identity documents changed; confirmation required again', ctx.bus);
  return view;
}

export function blockAccount(ctx: IdentityContext, id: number, reason?: string): AccountView {
  return setStatus(ctx, id, 'blocked', reason);
}

export function unblockAccount(ctx: IdentityContext, id: number, reason?: string): AccountView {
  return setStatus(ctx, id, 'active', reason);
}

function setStatus(ctx: IdentityContext, id: number, status: 'active' | 'blocked', reason?: string): AccountView {
  const { db } = ctx;
  const at = nowOf(ctx);
  const action = status === 'blocked' ? 'account.block' : 'account.unblock';
  const view = db.transaction(() => {
    const a = requireAccount(db, id);
    if (a.status === 'deleted') throw new GpError('ACCOUNT_DELETED', `account ${id} is deleted; it cannot be ${status === 'blocked' ? 'blocked' : 'unblocked'}`);
    if (a.status === status) {
      throw new GpError(status === 'blocked' ? 'ALREADY_BLOCKED' : 'NOT_BLOCKED', `account ${id} is already ${status}`, { kind: 'conflict' });
    }
    updateAccount(db, id, { status }, at);
    audit(db, { at, actor: ctx.actor, subject: `account:${id}`, action, accountId: id, remote: ctx.remote, details: { reason: reason ?? null } });
    return showAccount(db, id);
  }).immediate();
  announceAccessChange(db, accountMailboxIds(db, id), status === 'blocked' ? 'account blocked' : 'account unblocked', ctx.bus);
  return view;
}

/**
 * Delete an account: status deleted, every mailbox retired (content removed,
 * address never reissued), identity documents erased (SNILS freed); name, phone
 * and the consent history stay for the audit journal.
 */
export function deleteAccount(ctx: IdentityContext, id: number, reason?: string): AccountView & { removedMailboxes: string[] } {
  const { db } = ctx;
  const at = nowOf(ctx);
  const mailboxIds = accountMailboxIds(db, id);
  const removed: string[] = [];
  const view = db.transaction(() => {
    const a = requireAccount(db, id);
    if (a.status === 'deleted') throw new GpError('ACCOUNT_DELETED', `account ${id} is already deleted`, { kind: 'conflict' });
    for (const mb of listMailboxes(db, { accountId: id })) {
      if (mb.status === 'deleted') continue;
      retireMailbox(db, mb, ctx.actor, at, 'account deleted');
      removed.push(mb.address);
    }
    updateAccount(db, id, {
      status: 'deleted', snils: null, inn: null, passport_series: null, passport_number: null, passport_issued: null,
      passport_division: null,
    }, at);
    audit(db, {
      at, actor: ctx.actor, subject: `account:${id}`, action: 'account.delete', accountId: id, remote: ctx.remote,
      details: { reason: reason ?? null, mailboxes: removed },
    });
    return showAccount(db, id);
  }).immediate();
  announceAccessChange(db, mailboxIds, 'account deleted', ctx.bus);
  freeUnreferencedBlobs(db);
  return { ...view, removedMailboxes: removed };
}

export function revokeConsent(ctx: IdentityContext, id: number): AccountView {
  const { db } = ctx;
  const at = nowOf(ctx);
  const view = db.transaction(() => {
    requireAccount(db, id);
    const n = revokeConsents(db, id, at);
    if (n === 0) throw new GpError('CONSENT_NOT_IN_FORCE', `account ${id} has no consent in force`, { kind: 'conflict' });
    audit(db, { at, actor: ctx.actor, subject: `account:${id}`, action: 'account.consent.revoke', accountId: id, remote: ctx.remote, details: { revoked: n } });
    return showAccount(db, id);
  }).immediate();
  announceAccessChange(db, accountMailboxIds(db, id), 'consent revoked', ctx.bus);
  return view;
}

/** A new consent after a revocation (the person consents again): mailboxes work again. */
export function grantConsent(ctx: IdentityContext, id: number): AccountView {
  const { db, cfg } = ctx;
  const at = nowOf(ctx);
  const view = db.transaction(() => {
    const a = requireAccount(db, id);
    if (a.status === 'deleted') throw new GpError('ACCOUNT_DELETED', `account ${id} is deleted`);
    refuseIfDestroyed(a.personal_data_destroyed_at, id);
    if (activeConsent(db, id)) throw new GpError('CONSENT_IN_FORCE', `account ${id} already has a consent in force`, { kind: 'conflict' });
    const consentId = insertConsent(db, {
      accountId: id, version: cfg.identity.consentVersion, purposes: CONSENT_PURPOSES, dataList: CONSENT_DATA_LIST, at,
    });
    audit(db, {
      at, actor: ctx.actor, subject: `account:${id}`, action: 'account.consent.grant', accountId: id, remote: ctx.remote,
      details: { consentId, consentVersion: cfg.identity.consentVersion },
    });
    return showAccount(db, id);
  }).immediate();
  announceAccessChange(db, accountMailboxIds(db, id), 'consent granted', ctx.bus);
  return view;
}
