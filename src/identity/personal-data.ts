/**
 * The person's rights under 152-FZ over the personal data held about them:
 *  - art. 14: the person (through an operator) gets everything held about them
 *    and every record of its processing — `exportPersonalData`;
 *  - art. 21 §5: after the consent is revoked (or the account deleted) the data
 *    is destroyed within `identity.personalDataDays` (default 30) —
 *    `destroyDuePersonalData`, run by the scheduler. The fields are overwritten,
 *    not flagged, with `secure_delete` on; the person's mailboxes are retired; the
 *    audit rows about the person keep only time, action, outcome and the account
 *    id; one audit row records the destruction, with no personal data in it.
 * Until then a new consent withdraws the revocation (identity/accounts.ts
 * grantConsent); after it, the account is gone for good.
 */
import { GpError, notFound } from '../shared/errors.js';
import { audit } from '../store/audit.js';
import { listMailboxes } from '../store/mailboxes.js';
import { accountsDueForDestruction, personRecords, wipePersonalData, withSecureDelete, type PersonRecords } from '../store/personal-data.js';
import { nowOf, type IdentityContext } from './context.js';
import { accountMailboxIds, announceAccessChange } from './access.js';
import { freeUnreferencedBlobs, retireMailbox } from './mailbox-removal.js';

const DAY_MS = 86_400_000;

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

export interface PersonalDataExport extends PersonRecords {
  exportedAt: string;
  /** When the data is (or was) due for destruction, or null while consent is in force. */
  destructionDue: string | null;
}

/** Everything held about account `id`, as one JSON-ready object; the export itself is audited (without the data). */
export function exportPersonalData(ctx: IdentityContext, id: number): PersonalDataExport {
  const { db, cfg } = ctx;
  const r = personRecords(db, id);
  if (!r) throw notFound('account', id);
  const at = nowOf(ctx);
  const revokedAt = r.consents.some((c) => c.revoked_at === null) ? null : Math.max(0, ...r.consents.map((c) => Number(c.revoked_at ?? 0)));
  const since = r.account.status === 'deleted' ? r.account.updated_at : revokedAt;
  audit(db, { at, actor: ctx.actor, subject: `account:${id}`, action: 'account.export', accountId: id, remote: ctx.remote });
  return {
    ...r,
    consents: r.consents.map((c) => ({ ...c, purposes: parseJson(c.purposes), data_list: parseJson(c.data_list) })),
    audit: r.audit.map((a) => ({ ...a, details: parseJson(a.details) })),
    exportedAt: new Date(at).toISOString(),
    destructionDue: since ? new Date(since + cfg.identity.personalDataDays * DAY_MS).toISOString() : null,
  };
}

export interface DestructionReport {
  accounts: number[];
  auditRows: number;
}

/** Destroy the personal data of every account due (revoked or deleted more than personalDataDays ago). */
export function destroyDuePersonalData(ctx: IdentityContext): DestructionReport {
  const { db, cfg } = ctx;
  const at = nowOf(ctx);
  const due = accountsDueForDestruction(db, at - cfg.identity.personalDataDays * DAY_MS);
  let auditRows = 0;
  for (const id of due) {
    const mailboxIds = accountMailboxIds(db, id);
    withSecureDelete(db, () =>
      db.transaction(() => {
        for (const mb of listMailboxes(db, { accountId: id })) {
          if (mb.status !== 'deleted') retireMailbox(db, mb, ctx.actor, at, 'personal data destroyed');
        }
        auditRows += wipePersonalData(db, id, at).auditRows;
        audit(db, { at, actor: ctx.actor, subject: `account:${id}`, action: 'account.personal_data.destroy', accountId: id });
      }).immediate(),
    );
    announceAccessChange(db, mailboxIds, 'personal data destroyed', ctx.bus);
  }
  if (due.length) withSecureDelete(db, () => freeUnreferencedBlobs(db));
  return { accounts: due, auditRows };
}

export function refuseIfDestroyed(destroyedAt: number | null, id: number): void {
  if (destroyedAt !== null) {
    throw new GpError('PERSONAL_DATA_DESTROYED', `account ${id}: its personal data was destroyed after the consent was revoked; a new consent cannot bring it back (register again)`, { kind: 'conflict' });
  }
}
