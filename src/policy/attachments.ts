/**
 * The attachment rule: the decoded size of all attachments of one message is at
 * most `limits.attachmentBytes` (25 MiB). Measured by mime/ (the streaming meter
 * on SMTP, the parse on IMAP APPEND); the whole message is refused — SMTP
 * `552 5.3.4`, IMAP `NO [TOOBIG]` — with the limit and the size found.
 */
import type { Config } from '../config/schema.js';

/** "26214401 bytes (25.0 MiB)"; small sizes without the MiB figure. */
export function sizeText(bytes: number): string {
  if (bytes < 1048576) return `${bytes} bytes`;
  return `${bytes} bytes (${(bytes / 1048576).toFixed(bytes % 1048576 === 0 ? 0 : 1)} MiB)`;
}

/** The refusal text, or null when the message is within the rule. */
export function attachmentRefusal(cfg: Pick<Config, 'limits'>, attachmentBytes: number): string | null {
  const limit = cfg.limits.attachmentBytes;
  if (attachmentBytes <= limit) return null;
  return `attachments total ${sizeText(attachmentBytes)}, over the limit of ${sizeText(limit)} per message`;
}
