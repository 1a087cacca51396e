/**
 * The attachment rule: the decoded size of all attachments of one message is at
 * most `limits.attachmentBytes` (25 MiB). Measured by mime/ (the streaming meter
 * on SMTP, the parse on IMAP APPEND); the whole message is refused — SMTP
 * `552 5.3.4`, IMAP `NO [TOOBIG]` — with the limit and the size found.
 */
import type { Config } from '../config/schema.js';

export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(bytes % 1048576 === 0 ? 0 : 1)} MiB`;
}

/** The refusal text, or null when the message is within the rule. */
export function attachmentRefusal(cfg: Pick<Config, 'limits'>, attachmentBytes: number): string | null {
  const limit = cfg.limits.attachmentBytes;
  if (attachmentBytes <= limit) return null;
  return `attachments total ${attachmentBytes} bytes (${mib(attachmentBytes)}), over the limit of ${limit} bytes (${mib(limit)}) per message`;
}
