/**
 * QUOTA — RFC 9208. One quota root per mailbox, named "" (§3.2: a root may span
 * several folders; here it spans all of them), with two resources: STORAGE in
 * units of 1024 octets (§5.1: the sum of the messages' RFC 822 sizes, rounded
 * up) and MESSAGE (§5.2). Limits from limits.mailboxBytes / mailboxMessages, or
 * the mailbox's own byte limit set by the operator (`gospochta mailbox quota`).
 *
 *   GETQUOTA root        §4.2  `* QUOTA "" (STORAGE used limit MESSAGE used limit)`
 *   GETQUOTAROOT folder  §4.3  `* QUOTAROOT folder ""` and the QUOTA line
 *   SETQUOTA             §4.1  refused: a user cannot change the quota (no QUOTASET, §3.1)
 */
import type { CommandContext, CommandModule } from './types.js';
import { args, mailboxCommand, mailboxOut, no, ok, requireAuthenticated } from './helpers.js';
import { quoted } from '../protocol/quote.js';
import { getFolder } from '../../store/folders.js';
import { mailboxQuota } from '../../store/quota.js';
import { quotaDefaults } from '../../policy/quota.js';
import { GpError } from '../../shared/errors.js';

export const QUOTA_ROOT = '';

/** The QUOTA response of the session's mailbox (§7.1). */
function quotaLine(ctx: CommandContext): string {
  const q = mailboxQuota(ctx.services.db, requireAuthenticated(ctx), quotaDefaults(ctx.services.config));
  if (!q) throw new GpError('NONEXISTENT', 'No such quota root');
  const kib = (n: number) => Math.ceil(n / 1024);
  return `* QUOTA ${quoted(QUOTA_ROOT)} (STORAGE ${kib(q.usedBytes)} ${Math.floor(q.limitBytes / 1024)} MESSAGE ${q.usedMessages} ${q.limitMessages})`;
}

export const getQuotaCommand: CommandModule = {
  name: 'GETQUOTA',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const a = args(ctx);
    const root = a.astring('quota root');
    a.end();
    if (root !== QUOTA_ROOT) return no('NONEXISTENT', `No quota root "${root}"; this mailbox's quota root is ""`);
    await ctx.session.send(quotaLine(ctx));
    return ok('GETQUOTA completed');
  },
};

export const getQuotaRootCommand = mailboxCommand({
  name: 'GETQUOTAROOT',
  async run(ctx, { mailboxId, names: [name] }) {
    if (!getFolder(ctx.services.db, mailboxId, name)) return no('NONEXISTENT', `Folder "${name}" does not exist`);
    await ctx.session.send(`* QUOTAROOT ${mailboxOut(name)} ${quoted(QUOTA_ROOT)}`);
    await ctx.session.send(quotaLine(ctx));
    return ok('GETQUOTAROOT completed');
  },
});

export const setQuotaCommand: CommandModule = {
  name: 'SETQUOTA',
  states: ['authenticated', 'selected'],
  async run() {
    return no('NOPERM', 'Quotas are set by the operator of this service');
  },
};
