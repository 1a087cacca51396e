/**
 * The one question the login module and the servers ask: may this mailbox be used
 * now? Yes only when the mailbox is active and its account is confirmed, active
 * and has a consent in force. Protocol code never decides this from its own flags.
 */
import { createHash } from 'node:crypto';
import { bumpControl, type Db } from '../store/db.js';
import { listMailboxes, mailboxStanding, type MailboxStanding } from '../store/mailboxes.js';
import type { AccountRow } from '../store/accounts.js';
import { activeConsent } from '../store/consents.js';
import { getAppPassword } from '../store/app-passwords.js';
import type { EventBus } from '../events/bus.js';

export type AccessResult = { ok: true } | { ok: false; reason: string };

/** Why an account may not use mailboxes, or null when it may. */
export function accountRefusal(db: Db, account: AccountRow | undefined): string | null {
  if (!account) return 'account not found';
  return standingRefusal(account.status, account.level, () => activeConsent(db, account.id) !== undefined);
}

function standingRefusal(status: string, level: string, consent: () => boolean): string | null {
  if (status === 'deleted') return 'account deleted';
  if (status === 'blocked') return 'account blocked';
  if (level !== 'confirmed') return `account not confirmed (level ${level})`;
  if (!consent()) return 'consent to personal data processing revoked';
  return null;
}

/** The mailbox's standing (one statement: it is asked at every SMTP command and IMAP re-check), refused or not. */
function standingAccess(mb: MailboxStanding | undefined): AccessResult {
  if (!mb) return { ok: false, reason: 'mailbox not found' };
  if (mb.status !== 'active') return { ok: false, reason: `mailbox ${mb.status}` };
  if (mb.account_status === null || mb.account_level === null) return { ok: false, reason: 'account not found' };
  const reason = standingRefusal(mb.account_status, mb.account_level, () => mb.consent === 1);
  return reason ? { ok: false, reason } : { ok: true };
}

export function mailboxAccess(db: Db, mailboxId: number): AccessResult {
  return standingAccess(mailboxStanding(db, mailboxId));
}

/**
 * A stamp of the credential a session logged in with: changes whenever the
 * mailbox password changes (a new argon2id hash, a new salt). Sessions keep it and
 * compare it on every re-check, so a password change ends them like a block.
 */
export function credentialStamp(passwordHash: string): string {
  let stamp = stamps.get(passwordHash);
  if (stamp === undefined) {
    stamp = createHash('sha256').update(passwordHash).digest('base64url').slice(0, 22);
    // Re-checked on every SMTP command and IMAP access check: the hash of a hash is kept.
    if (stamps.size >= MAX_STAMPS) stamps.clear();
    stamps.set(passwordHash, stamp);
  }
  return stamp;
}

const stamps = new Map<string, string>();
const MAX_STAMPS = 10_000;

const APP_STAMP = /^app:(\d+):(.+)$/;

/** The stamp of a login with an app password: its row and its hash, so revoking it ends the session. */
export function appCredentialStamp(appPasswordId: number, hash: string): string {
  return `app:${appPasswordId}:${credentialStamp(hash)}`;
}

/**
 * May a session that logged in with `credential` go on? mailboxAccess, and the
 * credential still holds: the app password it logged in with is not revoked, or
 * the mailbox password is unchanged and two-factor protection has not been turned
 * on since (from then on only app passwords log in).
 */
export function sessionAccess(db: Db, mailboxId: number, credential: string): AccessResult {
  const mb = mailboxStanding(db, mailboxId);
  const r = standingAccess(mb);
  if (!r.ok || !mb) return r;
  const app = APP_STAMP.exec(credential);
  if (app) {
    const row = getAppPassword(db, Number(app[1]));
    if (!row || row.mailbox_id !== mailboxId || row.revoked_at !== null || credentialStamp(row.hash) !== app[2]) {
      return { ok: false, reason: 'app password revoked' };
    }
    return r;
  }
  if (credentialStamp(mb.password_hash) !== credential) return { ok: false, reason: 'password changed' };
  if (mb.two_factor_at !== null) return { ok: false, reason: 'two-factor protection turned on' };
  return r;
}

/**
 * Tell a running server that access may have changed: bump the control counter
 * (other processes poll it) and publish an access event per affected mailbox on
 * the in-process bus when one is given. Call after the change is committed.
 */
export function announceAccessChange(db: Db, mailboxIds: number[], reason: string, bus?: EventBus): void {
  bumpControl(db);
  if (bus) for (const mailboxId of mailboxIds) bus.publish({ type: 'access', mailboxId, reason });
}

export function accountMailboxIds(db: Db, accountId: number): number[] {
  return listMailboxes(db, { accountId }).filter((m) => m.status !== 'deleted').map((m) => m.id);
}
