/**
 * Mailbox quotas as a service rule (RFC 9208): every mailbox holds at most
 * `limits.mailboxBytes` bytes (10 GiB; `gospochta mailbox quota` sets one
 * mailbox's own limit) and `limits.mailboxMessages` messages across its folders.
 * The writer refuses a delivery past either limit (store/deliver.ts: SMTP
 * `552 5.2.2`, IMAP `NO [OVERQUOTA]`); a delivery that takes a mailbox across
 * `limits.quotaWarnPercent` (90 %) of a limit puts one warning message into its
 * INBOX, from postmaster@<primary domain>. Service messages (this warning, the
 * new-device notice, delivery reports) are not held to the quota.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import type { QuotaPolicy, Writer } from '../store/deliver.js';
import type { Db } from '../store/db.js';
import { mailboxQuota, setQuotaBytes, type MailboxQuota, type QuotaDefaults } from '../store/quota.js';
import { getMailboxByAddress } from '../store/mailboxes.js';
import { audit } from '../store/audit.js';
import { invalid, notFound } from '../shared/errors.js';
import { bumpControl } from '../store/db.js';
import { getFolder } from '../store/folders.js';
import { parseMessage } from '../mime/parse.js';
import { serviceMessage } from './service-message.js';

export const WARNING_SUBJECT = 'Почтовый ящик почти заполнен';

export function quotaDefaults(cfg: Pick<Config, 'limits'>): QuotaDefaults {
  return { bytes: cfg.limits.mailboxBytes, messages: cfg.limits.mailboxMessages };
}

function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} МБ`;
}

export function warningMessage(cfg: Config, q: MailboxQuota, at = Date.now()): Buffer {
  return serviceMessage(cfg, {
    to: q.address,
    subject: WARNING_SUBJECT,
    at: at,
    messageId: `quota-${q.mailboxId}.${at}`,
    lines: [
      'Здравствуйте!',
      '',
      `Ваш почтовый ящик ${q.address} заполнен более чем на ${cfg.limits.quotaWarnPercent} %:`,
      `занято ${mib(q.usedBytes)} из ${mib(q.limitBytes)}, писем ${q.usedMessages} из ${q.limitMessages}.`,
      '',
      'Когда ящик заполнится, новые письма не будут приниматься: отправители получат отказ.',
      'Удалите ненужные письма (и очистите корзину) или обратитесь к оператору сервиса:',
    ],
  });
}

/** The writer's quota policy: the configured limits and the 90 % warning. */
export function writerQuota(o: { cfg: Config; log?: Logger; writer: () => Writer }): QuotaPolicy {
  return {
    defaults: quotaDefaults(o.cfg),
    warnPercent: o.cfg.limits.quotaWarnPercent,
    onWarn: (q) => {
      const writer = o.writer();
      const inbox = getFolder(writer.db, q.mailboxId, 'INBOX');
      if (!inbox) return;
      const raw = warningMessage(o.cfg, q);
      writer
        .deliver({ raw, parsed: parseMessage(raw), targets: [{ folderId: inbox.id }], quotaExempt: true })
        .then(
          () => o.log?.info({ address: q.address, usedBytes: q.usedBytes, limitBytes: q.limitBytes }, 'quota warning delivered'),
          (err: unknown) => o.log?.error({ err, address: q.address }, 'quota warning not delivered'),
        );
    },
  };
}

const UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, KB: 1024, KIB: 1024, M: 1024 ** 2, MB: 1024 ** 2, MIB: 1024 ** 2, G: 1024 ** 3, GB: 1024 ** 3, GIB: 1024 ** 3, T: 1024 ** 4, TB: 1024 ** 4, TIB: 1024 ** 4 };

/** "10G", "512M", "2048K", "1000000" (bytes) → bytes; "default" → null (back to limits.mailboxBytes). */
export function parseQuotaSize(text: string): number | null {
  const t = text.trim();
  if (/^(default|none)$/i.test(t)) return null;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(t);
  const unit = m ? UNITS[m[2]!.toUpperCase()] : undefined;
  if (!m || unit === undefined) throw invalid('size', 'a size such as 10G, 512M, 2048K or a number of bytes, or "default"');
  const bytes = Math.floor(Number(m[1]) * unit);
  if (bytes < 1024 || !Number.isSafeInteger(bytes)) throw invalid('size', 'at least 1K and at most 8 PiB');
  return bytes;
}

/**
 * `gospochta mailbox quota ADDRESS SIZE`: set (or with "default" clear) a mailbox's
 * own byte limit; one audit row. Takes effect at the next delivery; the mail
 * already stored stays even when it is now over the limit.
 */
export function setMailboxQuota(o: { db: Db; cfg: Config; actor: string; address: string; size: string }): MailboxQuota {
  const bytes = parseQuotaSize(o.size);
  const m = getMailboxByAddress(o.db, o.address);
  if (!m || m.status === 'deleted') throw notFound('mailbox', o.address);
  o.db.transaction(() => {
    setQuotaBytes(o.db, m.id, bytes);
    audit(o.db, { actor: o.actor, subject: `mailbox:${m.address}`, action: 'mailbox.quota', mailboxId: m.id, details: { bytes } });
    bumpControl(o.db);
  })();
  return mailboxQuota(o.db, m.id, quotaDefaults(o.cfg))!;
}

/**
 * At RCPT (RFC 5321 §4.5.3.1.10, RFC 3463 X.2.2): why a local recipient cannot take
 * a message of `size` bytes (the SIZE parameter of MAIL FROM, RFC 1870; 0 when not
 * given), or null. Refusing here lets the other recipients of the message still
 * get it; the delivering transaction checks again with the real size.
 */
export function recipientQuotaRefusal(db: Db, cfg: Config, mailboxId: number, size: number): string | null {
  const q = mailboxQuota(db, mailboxId, quotaDefaults(cfg));
  if (!q) return null;
  if (q.usedMessages + 1 > q.limitMessages || q.usedBytes + Math.max(1, size) > q.limitBytes) {
    return `mailbox ${q.address} is full and cannot take ${size > 0 ? `a message of ${size} bytes` : 'more mail'}`;
  }
  return null;
}
