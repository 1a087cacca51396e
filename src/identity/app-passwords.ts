/**
 * App passwords: what a mail client logs in with when the mailbox has two-factor
 * protection on (a client cannot type a one-time code), as the large providers do.
 *
 * - 16 characters of the RFC 4648 base32 alphabet in lower case (80 random bits),
 *   shown once, stored as argon2id with the mailbox passwords' cost. Spaces and
 *   hyphens a person types while copying are ignored, and so is letter case.
 * - The first 4 characters are kept in the clear as a selector, so a login verifies
 *   one row (rarely two), never every app password of the mailbox.
 * - Each is named ("Thunderbird at home"), unique among the active ones; listed with
 *   created, last used time, client network and protocol; revoked one by one.
 *   Revoking ends the sessions logged in with it (the credential stamp, access.ts).
 * Every change is one audit row.
 */
import { randomBytes } from 'node:crypto';
import { GpError, invalid } from '../shared/errors.js';
import { audit } from '../store/audit.js';
import {
  activeAppPasswordByName, insertAppPassword, listActiveAppPasswords, revokeAppPasswordRow, type AppPasswordRow,
} from '../store/app-passwords.js';
import { nowOf, type IdentityContext } from './context.js';
import { announceAccessChange } from './access.js';
import { requireMailbox } from './mailboxes.js';
import { hashPassword } from './passwords.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
export const APP_PASSWORD_LENGTH = 16;
const SELECTOR_LENGTH = 4;
const NAME_MAX = 64;

/** A new random app password (5 bits per character from 10 random bytes). */
export function generateAppPassword(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** The typed password in the app-password form, or null when it cannot be one. */
export function normalizeAppPassword(typed: string): string | null {
  const s = typed.replace(/[\s-]+/g, '').toLowerCase();
  return s.length === APP_PASSWORD_LENGTH && /^[a-z2-7]+$/.test(s) ? s : null;
}

export function selectorOf(normalized: string): string {
  return normalized.slice(0, SELECTOR_LENGTH);
}

export interface AppPasswordView {
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  lastUsedNetwork: string | null;
  lastUsedProtocol: string | null;
}

function view(r: AppPasswordRow): AppPasswordView {
  return {
    name: r.name,
    createdAt: new Date(r.created_at).toISOString(),
    lastUsedAt: r.last_used_at === null ? null : new Date(r.last_used_at).toISOString(),
    lastUsedNetwork: r.last_used_network,
    lastUsedProtocol: r.last_used_protocol,
  };
}

function checkName(input: string): string {
  const name = input.trim();
  if (!name) throw invalid('name', 'must not be empty');
  if (Array.from(name).length > NAME_MAX) throw invalid('name', `must be at most ${NAME_MAX} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw invalid('name', 'must not contain control characters');
  return name;
}

/** Create an app password; the only time the password itself is seen. */
export async function addAppPassword(ctx: IdentityContext, address: string, nameInput: string): Promise<AppPasswordView & { address: string; password: string }> {
  const { db } = ctx;
  const m = requireMailbox(db, address);
  const refuse = (e: GpError): never => {
    audit(db, {
      at: nowOf(ctx), actor: ctx.actor, subject: `mailbox:${m.address}`, action: 'mailbox.app_password.add', outcome: 'refused',
      accountId: m.account_id, mailboxId: m.id, remote: ctx.remote, details: { name: nameInput.slice(0, NAME_MAX), error: e.code, reason: e.message },
    });
    throw e;
  };
  if (m.status === 'deleted') refuse(new GpError('MAILBOX_DELETED', `mailbox ${m.address} is deleted`));
  let name = '';
  try {
    name = checkName(nameInput);
  } catch (e) {
    refuse(e as GpError);
  }
  const taken = () => new GpError('APP_PASSWORD_NAME_TAKEN', `mailbox ${m.address} already has an app password named "${name}"; revoke it or choose another name`, { kind: 'conflict', field: 'name' });
  if (activeAppPasswordByName(db, m.id, name)) refuse(taken());
  const password = generateAppPassword();
  const hash = await hashPassword(ctx.cfg, password);
  const at = nowOf(ctx);
  const row = db.transaction(() => {
    if (activeAppPasswordByName(db, m.id, name)) throw taken();
    insertAppPassword(db, { mailboxId: m.id, name, selector: selectorOf(password), hash, at });
    audit(db, {
      at, actor: ctx.actor, subject: `mailbox:${m.address}`, action: 'mailbox.app_password.add', accountId: m.account_id, mailboxId: m.id,
      remote: ctx.remote, details: { name },
    });
    return activeAppPasswordByName(db, m.id, name)!;
  }).immediate();
  return { address: m.address, password, ...view(row) };
}

export function listAppPasswords(ctx: Pick<IdentityContext, 'db'>, address: string): { address: string; twoFactor: boolean; appPasswords: AppPasswordView[] } {
  const m = requireMailbox(ctx.db, address);
  return { address: m.address, twoFactor: m.two_factor_at !== null, appPasswords: listActiveAppPasswords(ctx.db, m.id).map(view) };
}

/** Revoke one app password by name; the sessions logged in with it end within auth.accessCheckMs. */
export function revokeAppPassword(ctx: IdentityContext, address: string, nameInput: string): AppPasswordView & { address: string; revokedAt: string } {
  const { db } = ctx;
  const m = requireMailbox(db, address);
  const name = nameInput.trim();
  const at = nowOf(ctx);
  const row = activeAppPasswordByName(db, m.id, name);
  if (!row) {
    audit(db, {
      at, actor: ctx.actor, subject: `mailbox:${m.address}`, action: 'mailbox.app_password.revoke', outcome: 'refused',
      accountId: m.account_id, mailboxId: m.id, remote: ctx.remote, details: { name: name.slice(0, NAME_MAX), error: 'NOT_FOUND' },
    });
    throw new GpError('NOT_FOUND', `mailbox ${m.address} has no app password named "${name}"`, { kind: 'not_found', details: { what: 'app password', id: name } });
  }
  db.transaction(() => {
    revokeAppPasswordRow(db, row.id, at);
    audit(db, {
      at, actor: ctx.actor, subject: `mailbox:${m.address}`, action: 'mailbox.app_password.revoke', accountId: m.account_id, mailboxId: m.id,
      remote: ctx.remote, details: { name },
    });
  }).immediate();
  announceAccessChange(db, [m.id], 'app password revoked', ctx.bus);
  return { address: m.address, ...view(row), revokedAt: new Date(at).toISOString() };
}
