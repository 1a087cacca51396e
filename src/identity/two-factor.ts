/**
 * Two-factor protection of a mailbox. A mail client cannot type a one-time code,
 * so while it is on, IMAP, POP3 and SMTP accept app passwords only
 * (identity/app-passwords.ts, checked in identity/auth.ts); sessions logged in
 * with the mailbox password end (identity/access.ts `sessionAccess`).
 *
 * Turning it on takes a one-time code sent through the configured notifier to the
 * account holder's phone, with the rules of identity confirmation (confirm.ts):
 * 6 digits, valid `identity.codeTtlSeconds`, `identity.codeMaxAttempts` wrong tries
 * void it, a new one no sooner than `identity.codeResendSeconds`. Turning it off is
 * the operator's act. Every step is one audit row.
 */
import { GpError, invalid, isGpError } from '../shared/errors.js';
import { checkPendingCode, codeNotifier, hashCode, newOneTimeCode } from './one-time-code.js';
import { audit } from '../store/audit.js';
import { getAccount } from '../store/accounts.js';
import { setTwoFactor, type MailboxRow } from '../store/mailboxes.js';
import {
  addTwoFactorCodeAttempt, insertTwoFactorCode, latestTwoFactorCode, markTwoFactorCodeUsed, voidTwoFactorCodes,
} from '../store/two-factor-codes.js';
import { listActiveAppPasswords } from '../store/app-passwords.js';
import { nowOf, type IdentityContext } from './context.js';
import { announceAccessChange } from './access.js';
import { requireMailbox } from './mailboxes.js';

export interface TwoFactorState {
  address: string;
  twoFactor: boolean;
  since: string | null;
  appPasswords: number;
}

export interface TwoFactorCodeSent {
  address: string;
  sentVia: string;
  expiresAt: string;
  attemptsAllowed: number;
}

function state(ctx: IdentityContext, m: MailboxRow): TwoFactorState {
  const row = requireMailbox(ctx.db, m.address);
  return {
    address: row.address,
    twoFactor: row.two_factor_at !== null,
    since: row.two_factor_at === null ? null : new Date(row.two_factor_at).toISOString(),
    appPasswords: listActiveAppPasswords(ctx.db, row.id).length,
  };
}

/** Run a step; a refusal is one audit row with its code, then rethrown. */
async function step<T>(ctx: IdentityContext, m: MailboxRow, action: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    audit(ctx.db, {
      at: nowOf(ctx), actor: ctx.actor, subject: `mailbox:${m.address}`, action, outcome: 'refused', accountId: m.account_id, mailboxId: m.id,
      remote: ctx.remote, details: { error: isGpError(e) ? e.code : 'INTERNAL', reason: e instanceof Error ? e.message : String(e) },
    });
    throw e;
  }
}

function requireUsable(m: MailboxRow): void {
  if (m.status === 'deleted') throw new GpError('MAILBOX_DELETED', `mailbox ${m.address} is deleted`);
}

/** Send the code that turns protection on (earlier codes become void). */
export function requestTwoFactorCode(ctx: IdentityContext, address: string): Promise<TwoFactorCodeSent> {
  const m = requireMailbox(ctx.db, address);
  return step(ctx, m, 'mailbox.2fa.code_sent', async () => {
    requireUsable(m);
    if (m.two_factor_at !== null) throw new GpError('TWO_FACTOR_ON', `two-factor protection is already on for ${m.address}`, { kind: 'conflict' });
    const account = getAccount(ctx.db, m.account_id);
    if (!account) throw new GpError('ACCOUNT_NOT_FOUND', `the account of ${m.address} is gone`);
    const { identity } = ctx.cfg;
    const at = nowOf(ctx);
    const { code, expiresAt, minutes } = newOneTimeCode(ctx.cfg, at, latestTwoFactorCode(ctx.db, m.id));
    const notifier = await codeNotifier(ctx);
    await notifier.send({
      accountId: account.id, phone: account.phone, email: account.contact_email, code, expiresAt,
      text: `Код Госпочты для включения двухфакторной защиты ящика ${m.address}: ${code}. Действует ${minutes} мин. Никому его не сообщайте.`,
    });
    ctx.db.transaction(() => {
      voidTwoFactorCodes(ctx.db, m.id, at);
      insertTwoFactorCode(ctx.db, { mailboxId: m.id, codeHash: hashCode(code), at, expiresAt });
      audit(ctx.db, {
        at, actor: ctx.actor, subject: `mailbox:${m.address}`, action: 'mailbox.2fa.code_sent', accountId: m.account_id, mailboxId: m.id,
        remote: ctx.remote, details: { via: notifier.kind, expiresAt: new Date(expiresAt).toISOString() },
      });
    }).immediate();
    return { address: m.address, sentVia: notifier.kind, expiresAt: new Date(expiresAt).toISOString(), attemptsAllowed: identity.codeMaxAttempts };
  });
}

/** Check the code the person received and turn protection on; password sessions end. */
export async function enableTwoFactor(ctx: IdentityContext, address: string, code: string): Promise<TwoFactorState> {
  const m = requireMailbox(ctx.db, address);
  const result = await step(ctx, m, 'mailbox.2fa.on', () => {
    const c = code.trim();
    if (!/^\d{6}$/.test(c)) throw invalid('code', 'must be 6 digits');
    requireUsable(m);
    if (m.two_factor_at !== null) throw new GpError('TWO_FACTOR_ON', `two-factor protection is already on for ${m.address}`, { kind: 'conflict' });
    const row = checkPendingCode({
      cfg: ctx.cfg,
      at: nowOf(ctx),
      row: latestTwoFactorCode(ctx.db, m.id),
      code: c,
      none: `no code is pending for ${m.address}; send one with: mailbox 2fa on ${m.address}`,
      addAttempt: (rowId) => addTwoFactorCodeAttempt(ctx.db, rowId),
    });
    const at = nowOf(ctx);
    ctx.db.transaction(() => {
      markTwoFactorCodeUsed(ctx.db, row.id, at);
      setTwoFactor(ctx.db, m.id, at);
      audit(ctx.db, {
        at, actor: ctx.actor, subject: `mailbox:${m.address}`, action: 'mailbox.2fa.on', accountId: m.account_id, mailboxId: m.id,
        remote: ctx.remote, details: { codeId: row.id, attempts: row.attempts + 1 },
      });
    }).immediate();
    return state(ctx, m);
  });
  announceAccessChange(ctx.db, [m.id], 'two-factor protection turned on', ctx.bus);
  return result;
}

/** Turn protection off: the mailbox password logs in again; app passwords keep working. */
export function disableTwoFactor(ctx: IdentityContext, address: string): Promise<TwoFactorState> {
  const m = requireMailbox(ctx.db, address);
  return step(ctx, m, 'mailbox.2fa.off', () => {
    requireUsable(m);
    if (m.two_factor_at === null) throw new GpError('TWO_FACTOR_OFF', `two-factor protection is already off for ${m.address}`, { kind: 'conflict' });
    const at = nowOf(ctx);
    ctx.db.transaction(() => {
      setTwoFactor(ctx.db, m.id, null);
      voidTwoFactorCodes(ctx.db, m.id, at);
      audit(ctx.db, {
        at, actor: ctx.actor, subject: `mailbox:${m.address}`, action: 'mailbox.2fa.off', accountId: m.account_id, mailboxId: m.id, remote: ctx.remote,
      });
    }).immediate();
    return state(ctx, m);
  });
}
