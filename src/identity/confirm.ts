/**
 * Raising an account to *confirmed*: in person, by one-time code, or by a
 * qualified certificate (certificate.ts checks the certificate). Every attempt,
 * successful or not, is one audit row `account.confirm` with the method.
 */
import { GpError, isGpError, invalid } from '../shared/errors.js';
import { checkPendingCode, codeNotifier, hashCode, newOneTimeCode } from './one-time-code.js';
import { audit } from '../store/audit.js';
import { updateAccount, type AccountRow, type ConfirmMethod } from '../store/accounts.js';
import { activeConsent } from '../store/consents.js';
import { addCodeAttempt, insertCode, latestCode, markCodeUsed, voidCodes } from '../store/codes.js';
import { nowOf, type IdentityContext } from './context.js';
import { requireAccount, showAccount, type AccountView } from './accounts.js';

/** Refuses unless the account can be confirmed now: active, standard, consent in force. */
export function requireConfirmable(ctx: IdentityContext, id: number): AccountRow {
  const a = requireAccount(ctx.db, id);
  if (a.status !== 'active') throw new GpError('ACCOUNT_NOT_ACTIVE', `account ${id} is ${a.status}`);
  if (a.level === 'confirmed') throw new GpError('ALREADY_CONFIRMED', `account ${id} is already confirmed`, { kind: 'conflict' });
  if (a.level !== 'standard') {
    throw new GpError('DOCUMENTS_REQUIRED', `account ${id} is at level ${a.level}; add SNILS and passport first (account documents)`);
  }
  if (!activeConsent(ctx.db, id)) throw new GpError('CONSENT_REVOKED', `account ${id} has revoked its consent to personal data processing`);
  return a;
}

function auditAttempt(ctx: IdentityContext, id: number, method: ConfirmMethod, outcome: 'ok' | 'failed', details: Record<string, unknown>): void {
  audit(ctx.db, {
    at: nowOf(ctx), actor: ctx.actor, subject: `account:${id}`, action: 'account.confirm', outcome, accountId: id,
    remote: ctx.remote, details: { method, ...details },
  });
}

/** Run a confirmation step; a refusal is audited as a failed attempt, then rethrown. */
async function attempt<T>(ctx: IdentityContext, id: number, method: ConfirmMethod, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    auditAttempt(ctx, id, method, 'failed', {
      error: isGpError(e) ? e.code : 'INTERNAL',
      reason: e instanceof Error ? e.message : String(e),
    });
    throw e;
  }
}

/**
 * The account's confirmation record keeps `details` (personal data: destroyed with
 * the rest, identity/personal-data.ts); the audit row keeps `auditDetails` only,
 * never a document number.
 */
function markConfirmed(
  ctx: IdentityContext, id: number, method: ConfirmMethod, by: string | null, details: Record<string, unknown>, auditDetails = details,
): AccountView {
  const at = nowOf(ctx);
  return ctx.db.transaction(() => {
    requireConfirmable(ctx, id);
    updateAccount(ctx.db, id, {
      level: 'confirmed', confirmed_method: method, confirmed_at: at, confirmed_by: by, confirmed_details: JSON.stringify(details),
    }, at);
    auditAttempt(ctx, id, method, 'ok', auditDetails);
    return showAccount(ctx.db, id);
  }).immediate();
}

// ── in person ────────────────────────────────────────────────────────────────

export function confirmInPerson(ctx: IdentityContext, id: number, operator: string, document?: string): Promise<AccountView> {
  return attempt(ctx, id, 'in-person', () => {
    if (!operator.trim()) throw invalid('operator', 'the operator who saw the document must be named');
    const a = requireConfirmable(ctx, id);
    const seen = document?.trim() || `passport ${a.passport_series} ${a.passport_number}`;
    const kind = /^\S+/.exec(seen)?.[0].replace(/\d/g, '') || 'document';
    return markConfirmed(ctx, id, 'in-person', operator.trim(), { operator: operator.trim(), document: seen }, { operator: operator.trim(), document: kind });
  });
}

// ── one-time code ────────────────────────────────────────────────────────────


export interface CodeSent {
  accountId: number;
  sentVia: string;
  expiresAt: string;
  attemptsAllowed: number;
}

/** Issue a new 6-digit code (earlier ones become void) and send it through the notifier. */
export function requestCode(ctx: IdentityContext, id: number): Promise<CodeSent> {
  return attempt(ctx, id, 'code', async () => {
    const a = requireConfirmable(ctx, id);
    const { identity } = ctx.cfg;
    const at = nowOf(ctx);
    const { code, expiresAt, minutes } = newOneTimeCode(ctx.cfg, at, latestCode(ctx.db, id));
    const notifier = await codeNotifier(ctx);
    await notifier.send({
      accountId: id, phone: a.phone, email: a.contact_email, code, expiresAt,
      text: `Код подтверждения Госпочты: ${code}. Действует ${minutes} мин. Никому его не сообщайте.`,
    });
    ctx.db.transaction(() => {
      voidCodes(ctx.db, id, at);
      insertCode(ctx.db, { accountId: id, codeHash: hashCode(code), at, expiresAt });
      audit(ctx.db, {
        at, actor: ctx.actor, subject: `account:${id}`, action: 'account.confirm.code_sent', accountId: id, remote: ctx.remote,
        details: { method: 'code', via: notifier.kind, expiresAt: new Date(expiresAt).toISOString() },
      });
    }).immediate();
    return { accountId: id, sentVia: notifier.kind, expiresAt: new Date(expiresAt).toISOString(), attemptsAllowed: identity.codeMaxAttempts };
  });
}

/** Check a code the person received; 5 wrong tries void it. */
export function verifyCode(ctx: IdentityContext, id: number, code: string): Promise<AccountView> {
  return attempt(ctx, id, 'code', () => {
    const c = code.trim();
    if (!/^\d{6}$/.test(c)) throw invalid('code', 'must be 6 digits');
    requireConfirmable(ctx, id);
    const row = checkPendingCode({
      cfg: ctx.cfg,
      at: nowOf(ctx),
      row: latestCode(ctx.db, id),
      code: c,
      none: `no code is pending for account ${id}; send one with --method code`,
      addAttempt: (rowId) => addCodeAttempt(ctx.db, rowId),
    });
    return ctx.db.transaction(() => {
      markCodeUsed(ctx.db, row.id, nowOf(ctx));
      return markConfirmed(ctx, id, 'code', null, { codeId: row.id, attempts: row.attempts + 1 });
    })();
  });
}

// ── qualified certificate ────────────────────────────────────────────────────

export function confirmCertificate(ctx: IdentityContext, id: number, pem: string): Promise<AccountView> {
  return attempt(ctx, id, 'certificate', async () => {
    const a = requireConfirmable(ctx, id);
    const { checkQualifiedCertificate } = await import('./certificate.js');
    const info = await checkQualifiedCertificate(ctx.cfg, pem, a.snils!, nowOf(ctx));
    return markConfirmed(ctx, id, 'certificate', info.subject, info as unknown as Record<string, unknown>);
  });
}
