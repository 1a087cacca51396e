/**
 * `gospochta mailbox quota ADDRESS [SIZE]` — show a mailbox's quota (RFC 9208
 * STORAGE and MESSAGE: used and limit), or set its own byte limit (`10G`, `512M`,
 * bytes) or put it back to limits.mailboxBytes (`default`).
 */
import type { Command } from 'commander';
import { act, kv, withCommon } from './output.js';
import { quotaDefaults, setMailboxQuota } from '../policy/quota.js';
import { mailboxQuota, type MailboxQuota } from '../store/quota.js';
import { getMailboxByAddress } from '../store/mailboxes.js';
import { notFound } from '../shared/errors.js';

function lines(q: MailboxQuota): string[] {
  const pct = (u: number, l: number) => `${((u * 100) / l).toFixed(1)} %`;
  return kv([
    ['mailbox', q.address],
    ['storage', `${q.usedBytes} of ${q.limitBytes} bytes (${pct(q.usedBytes, q.limitBytes)})${q.own ? '' : ', the default limit'}`],
    ['messages', `${q.usedMessages} of ${q.limitMessages} (${pct(q.usedMessages, q.limitMessages)})`],
  ]);
}

export function registerMailboxQuota(mailbox: Command): void {
  withCommon(mailbox.command('quota').argument('<address>', 'mailbox address').argument('[size]', 'new limit: 10G, 512M, 2048K, bytes, or "default"'))
    .description("show or set a mailbox's storage quota")
    .action(
      act(([address, size], s) => {
        let q: MailboxQuota | undefined;
        if (size !== undefined && size !== 'undefined') {
          q = setMailboxQuota({ db: s.db, cfg: s.cfg, actor: `operator:${s.operatorName}`, address: address!, size });
        } else {
          const m = getMailboxByAddress(s.db, address!);
          q = m && m.status !== 'deleted' ? mailboxQuota(s.db, m.id, quotaDefaults(s.cfg)) : undefined;
          if (!q) throw notFound('mailbox', address!);
        }
        return { json: q, text: lines(q) };
      }),
    );
}
