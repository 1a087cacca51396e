/**
 * `gospochta mailbox …`: create, passwd, show, list, delete (2fa and app-password: mailbox-2fa.ts). Passwords are read
 * from stdin only (--password-stdin), never from argv.
 */
import { Command } from 'commander';
import { invalid } from '../shared/errors.js';
import { mailboxUsage } from '../store/usage.js';
import { parseAccountId } from '../identity/accounts.js';
import {
  changePassword, createMailbox, deleteMailbox, listMailboxViews, showMailbox, type MailboxView,
} from '../identity/mailboxes.js';
import type { MailboxStatus } from '../store/mailboxes.js';
import { registerFilterCommands } from './filters.js';
import { act, kv, readStdinLine, requireStdinFlag, withCommon } from './output.js';
import { registerTwoFactorCommands } from './mailbox-2fa.js';
import { registerMailboxQuota } from './mailbox-quota.js';

function mailboxLines(m: MailboxView): string[] {
  return kv([
    ['address', m.address],
    ['account', `${m.accountId}${m.owner ? ` (${m.owner})` : ''}`],
    ['status', m.status],
    ['access', m.access.ok ? 'allowed' : `refused: ${m.access.reason}`],
    ['created', m.createdAt],
    ['password set', m.passwordChangedAt],
    ['deleted', m.deletedAt ?? undefined],
  ]);
}

export function registerMailboxCommands(program: Command): void {
  const mailbox = program.command('mailbox').description('mailboxes of confirmed accounts');
  registerTwoFactorCommands(mailbox);
  registerFilterCommands(mailbox);

  withCommon(mailbox.command('create').argument('<id>', 'account id'))
    .description('create a mailbox for a confirmed, active account')
    .requiredOption('--address <local@domain>', 'the new address')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .action(act(async ([id], s) => {
      const accountId = parseAccountId(id!);
      requireStdinFlag(s.opts);
      const password = await readStdinLine();
      const m = await createMailbox(s.ctx(), accountId, String(s.opts.address), password);
      return { json: m, text: [`mailbox ${m.address} created for account ${m.accountId}`, ...mailboxLines(m)] };
    }));

  withCommon(mailbox.command('passwd').argument('<address>', 'mailbox address'))
    .description('set a new password (read from stdin)')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .action(act(async ([address], s) => {
      requireStdinFlag(s.opts);
      const password = await readStdinLine();
      const m = await changePassword(s.ctx(), address!, password);
      return { json: m, text: `password of ${m.address} changed` };
    }));

  withCommon(mailbox.command('show').argument('<address>', 'mailbox address'))
    .description('owner, status, folders, message count and bytes')
    .action(act(([address], s) => {
      const m = showMailbox(s.db, address!);
      const usage = mailboxUsage(s.db, s.cfg, m.id);
      return {
        json: { ...m, usage },
        text: [
          ...mailboxLines(m),
          ...kv([
            ['messages', m.messages],
            ['bytes', m.bytes],
            ['sent (24 h)', `${usage.sentLast24h} of ${usage.dailyLimit} recipients${usage.nextSlotFreesAt ? `; next slot frees at ${usage.nextSlotFreesAt}` : ''}`],
            ['oldest message', usage.oldestMessage ? `${usage.oldestMessage.storedAt}, purged at ${usage.oldestMessage.purgeAt}` : 'none'],
            ['last login', usage.lastLogin ? `${usage.lastLogin.at} ${usage.lastLogin.protocol} from ${usage.lastLogin.remote ?? '?'} (${usage.lastLogin.client ?? 'unnamed client'})` : 'never'],
          ]),
          'folders:',
          ...m.folders.map((f) => `  ${f.name.padEnd(20)} ${(f.specialUse ?? '').padEnd(9)} ${String(f.messages).padStart(7)} msgs ${String(f.bytes).padStart(12)} bytes`),
        ],
      };
    }));

  withCommon(mailbox.command('list'))
    .description('list mailboxes')
    .option('--account <id>', 'only this account')
    .option('--status <status>', 'active | blocked | deleted')
    .action(act((_a, s) => {
      const o = s.opts as { account?: string; status?: string };
      if (o.status && !['active', 'blocked', 'deleted'].includes(o.status)) throw invalid('status', 'must be active, blocked or deleted');
      const mailboxes = listMailboxViews(s.db, {
        accountId: o.account !== undefined ? parseAccountId(o.account) : undefined,
        status: o.status as MailboxStatus | undefined,
      });
      return {
        json: { mailboxes },
        text: mailboxes.map((m) => `${m.address.padEnd(32)} ${m.status.padEnd(8)} account ${m.accountId}  ${m.access.ok ? 'access ok' : `no access: ${m.access.reason}`}`),
      };
    }));

  registerMailboxQuota(mailbox);

  withCommon(mailbox.command('delete').argument('<address>', 'mailbox address'))
    .description('delete a mailbox: access ends at once, messages are removed, the address is retired')
    .option('--reason <text>', 'reason for the journal')
    .action(act(([address], s) => {
      const r = deleteMailbox(s.ctx(), address!, s.opts.reason as string | undefined);
      return {
        json: r,
        text: `mailbox ${r.address} deleted (${r.removed.messages} messages, ${r.removed.bytes} bytes removed; the address is retired)`,
      };
    }));
}
