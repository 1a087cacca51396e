/**
 * A mailbox's forwarding, as the CLI sets it: up to `forwarding.maxTargets`
 * addresses, local or (when mail to other domains is on) outside, never the
 * mailbox itself; keep (a copy stays) or not. Every change is one audit row.
 */
import { GpError, invalid, notFound } from '../shared/errors.js';
import { getMailboxByAddress } from '../store/mailboxes.js';
import { audit } from '../store/audit.js';
import { deleteForward, getForward, setForward, type ForwardRow } from '../store/filters.js';
import { lookupRecipient } from '../identity/recipients.js';
import { nowOf, type IdentityContext } from '../identity/context.js';

export interface ForwardView {
  address: string;
  forward: { to: string[]; keep: boolean; updatedAt: string } | null;
}

const ADDRESS = /^[^\s@<>()\\,;:"[\]]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$|^[^\s@<>()\\,;:"[\]]+@localhost$/;

export function mailboxIdOf(ctx: IdentityContext, address: string): number {
  const mb = getMailboxByAddress(ctx.db, address.trim().toLowerCase());
  if (!mb || mb.status === 'deleted') throw notFound('mailbox', address);
  return mb.id;
}

function view(address: string, f: ForwardRow | undefined): ForwardView {
  return { address, forward: f ? { to: f.targets, keep: f.keep, updatedAt: new Date(f.updatedAt).toISOString() } : null };
}

export function showForward(ctx: IdentityContext, address: string): ForwardView {
  return view(address.toLowerCase(), getForward(ctx.db, mailboxIdOf(ctx, address)));
}

export function setForwarding(ctx: IdentityContext, o: { address: string; to: string[]; keep: boolean }): ForwardView {
  const address = o.address.trim().toLowerCase();
  const mailboxId = mailboxIdOf(ctx, address);
  const targets = [...new Set(o.to.map((t) => t.trim().toLowerCase()).filter(Boolean))];
  if (!targets.length) throw invalid('to', 'name at least one address to forward to');
  if (targets.length > ctx.cfg.forwarding.maxTargets) throw invalid('to', `at most ${ctx.cfg.forwarding.maxTargets} addresses`);
  const served = new Set(ctx.cfg.domains);
  for (const t of targets) {
    if (!ADDRESS.test(t)) throw invalid('to', `"${t}" is not an e-mail address`);
    if (t === address) throw invalid('to', 'a mailbox cannot forward to itself');
    const found = lookupRecipient(ctx.db, served, t);
    if (found.kind === 'unknown') throw invalid('to', `${t} is in a domain served here but has no usable mailbox`);
    if (found.kind === 'other-domain' && !ctx.cfg.outbound.enabled) throw invalid('to', `${t} is in another domain and mail to other domains is turned off (outbound.enabled)`);
  }
  const at = nowOf(ctx);
  ctx.db.transaction(() => {
    setForward(ctx.db, { mailboxId, targets, keep: o.keep, at });
    audit(ctx.db, { actor: ctx.actor, subject: `mailbox:${address}`, action: 'mailbox.forward.set', mailboxId, remote: ctx.remote ?? null, details: { to: targets, keep: o.keep } });
  })();
  return view(address, getForward(ctx.db, mailboxId));
}

export function stopForwarding(ctx: IdentityContext, address: string): ForwardView {
  const a = address.trim().toLowerCase();
  const mailboxId = mailboxIdOf(ctx, a);
  ctx.db.transaction(() => {
    if (!deleteForward(ctx.db, mailboxId)) throw new GpError('NOT_FORWARDED', `${a} has no forwarding to turn off`, { kind: 'refusal' });
    audit(ctx.db, { actor: ctx.actor, subject: `mailbox:${a}`, action: 'mailbox.forward.off', mailboxId, remote: ctx.remote ?? null });
  })();
  return view(a, undefined);
}
