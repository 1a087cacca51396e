/**
 * Mail loops (RFC 5321 §6.3): a server that forwards must stop a message that
 * comes round again. Each forwarded copy carries a `Delivered-To:` field naming
 * the mailbox it was forwarded from (as Postfix, Exim and qmail write it); a
 * message that already names the forwarding mailbox has been here before, and one
 * with more trace fields (Received: and Delivered-To:) than `forwarding.maxHops`
 * has travelled too far. Only the top-level header is read.
 */
import { findHeaderEnd, parseHeaderFields } from '../mime/header.js';

export interface TraceFacts {
  /** Addresses in Delivered-To: fields, lower-cased. */
  deliveredTo: string[];
  /** Received: plus Delivered-To: fields. */
  hops: number;
}

export function traceFacts(raw: Buffer): TraceFacts {
  const h = findHeaderEnd(raw, 0, raw.length);
  const fields = parseHeaderFields(raw, 0, h.fieldsEnd);
  const deliveredTo = fields.filter((f) => f.name === 'delivered-to').map((f) => f.value.trim().replace(/^<|>$/g, '').toLowerCase());
  const received = fields.filter((f) => f.name === 'received').length;
  return { deliveredTo, hops: received + deliveredTo.length };
}

/** Why forwarding from `address` must stop, or null when it may go on. */
export function loopReason(facts: TraceFacts, address: string, maxHops: number): string | null {
  if (facts.deliveredTo.includes(address.toLowerCase())) return `the message already carries Delivered-To: ${address}`;
  if (facts.hops >= maxHops) return `the message has passed ${facts.hops} hops (at most ${maxHops})`;
  return null;
}

/** The copy forwarded from `address`: a Delivered-To: field on top (RFC 5321 §6.3). */
export function withDeliveredTo(raw: Buffer, address: string): Buffer {
  const field = Buffer.from(`Delivered-To: ${address}\r\n`, 'utf8');
  return Buffer.concat([field, raw], field.length + raw.length);
}
