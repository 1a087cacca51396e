/**
 * A message the service itself puts into a person's INBOX (the new-device notice,
 * the quota warning): from postmaster of the first served domain, plain UTF-8 text
 * (RFC 5322 header, RFC 2047 encoded words, RFC 6532 8-bit body), marked
 * `Auto-Submitted: auto-generated` (RFC 3834 §5) so no filter or vacation answers it,
 * signed off with the operator's contact.
 */
import type { Config } from '../config/schema.js';
import { rfc5322Date } from '../smtp/received.js';

export function encodeWord(s: string): string {
  return `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

export interface ServiceMessage {
  to: string;
  subject: string;
  at: number;
  /** The local part of the Message-ID (this host is added). */
  messageId: string;
  /** The lines of the text before the operator's contact and signature. */
  lines: string[];
}

export function serviceMessage(cfg: Config, m: ServiceMessage): Buffer {
  const domain = cfg.domains[0]!;
  const body = [...m.lines, cfg.notices.operatorContact, '', '-- ', `postmaster@${domain}`, ''].join('\r\n');
  const head = [
    `From: ${encodeWord('Госпочта')} <postmaster@${domain}>`,
    `To: <${m.to}>`,
    `Subject: ${encodeWord(m.subject)}`,
    `Date: ${rfc5322Date(new Date(m.at))}`,
    `Message-ID: <${m.messageId}@${cfg.hostname}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    'Auto-Submitted: auto-generated',
  ].join('\r\n');
  return Buffer.from(`${head}\r\n\r\n${body}`, 'utf8');
}
