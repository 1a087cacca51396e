/**
 * Trace and required fields added at submission:
 * - `Received:` (RFC 5321 §4.4) with the protocol ESMTPSA (RFC 3848: ESMTP, TLS,
 *   authenticated), the TLS version, the authenticated user and the queue id;
 * - `Message-ID:` and `Date:` when the client sent none (RFC 6409 §8.2-8.3,
 *   RFC 5322 §3.6).
 */
import { randomBytes } from 'node:crypto';
import { findHeaderEnd, parseHeaderFields, getField, type HeaderField } from '../mime/header.js';

export function newQueueId(): string {
  return randomBytes(9).toString('base64url').toUpperCase().replace(/[^A-Z0-9]/g, 'X');
}

/** RFC 5322 §3.3 date-time, e.g. "Sun, 22 Nov 2026 12:01:02 +0000". */
export function rfc5322Date(d = new Date()): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export interface HeaderFacts {
  /** Every top-level header field, in order (the sender checks read all of them). */
  fields: HeaderField[];
  hasMessageId: boolean;
  hasDate: boolean;
}

/**
 * The top-level header of a message that arrived in chunks, without parsing the
 * body: only the chunks that hold the header are joined (usually just the first).
 */
export function headerFacts(chunks: readonly Buffer[]): HeaderFacts {
  let head = chunks[0] ?? Buffer.alloc(0);
  let h = findHeaderEnd(head, 0, head.length);
  for (let i = 1; i < chunks.length && h.headerEnd >= head.length; i++) {
    head = Buffer.concat([head, chunks[i]!]);
    h = findHeaderEnd(head, 0, head.length);
  }
  const fields = parseHeaderFields(head, 0, h.fieldsEnd);
  return { fields, hasMessageId: getField(fields, 'message-id') !== null, hasDate: getField(fields, 'date') !== null };
}

/**
 * A Received: trace field (RFC 5321 §4.4) in the shape every path of this server
 * writes: from the client's EHLO name and address, by this host, with the protocol
 * (RFC 3848) and the queue id, optional comments, the one recipient when there is
 * exactly one.
 */
export function receivedField(o: { heloName: string; remoteAddress: string; hostname: string; protocol: string; queueId: string; comments?: string; for?: string; now?: Date }): string {
  return (
    `Received: from ${o.heloName || 'unknown'} ([${o.remoteAddress}])\r\n` +
    `\tby ${o.hostname} (gospochta) with ${o.protocol} id ${o.queueId}` +
    (o.comments ? `\r\n\t${o.comments}` : '') +
    (o.for ? `\r\n\tfor <${o.for}>` : '') +
    `;\r\n\t${rfc5322Date(o.now ?? new Date())}\r\n`
  );
}

export interface TraceInfo {
  heloName: string;
  remoteAddress: string;
  hostname: string;
  tlsVersion: string;
  user: string;
  queueId: string;
  /** The envelope recipient, named when there is exactly one. */
  for?: string;
  now?: Date;
}

export function traceHeaders(info: TraceInfo, facts: Pick<HeaderFacts, 'hasDate' | 'hasMessageId'>): string {
  const now = info.now ?? new Date();
  const lines = [
    receivedField({
      heloName: info.heloName,
      remoteAddress: info.remoteAddress,
      hostname: info.hostname,
      protocol: 'ESMTPSA',
      queueId: info.queueId,
      comments: `(version=${info.tlsVersion}) (authenticated user ${info.user})`,
      ...(info.for ? { for: info.for } : {}),
      now,
    }),
  ];
  if (!facts.hasDate) lines.push(`Date: ${rfc5322Date(now)}\r\n`);
  if (!facts.hasMessageId) lines.push(`Message-ID: <${info.queueId}.${now.getTime()}@${info.hostname}>\r\n`);
  return lines.join('');
}
