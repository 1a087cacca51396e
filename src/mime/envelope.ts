/**
 * ENVELOPE (RFC 3501 §7.4.2) from a header: the raw unfolded values of Date,
 * Subject, In-Reply-To and Message-ID (RFC 2047 words left for the client), the
 * address lists parsed (./address.ts). Sender and Reply-To default to From when
 * absent or empty, as the RFC requires the server to do. Absent fields are null.
 */
import { parseAddressList } from './address.js';
import { getField, getFieldAll, type HeaderField } from './header.js';
import type { ImapEnvelope } from './types.js';

export function buildEnvelope(fields: HeaderField[]): ImapEnvelope {
  const from = parseAddressList(getFieldAll(fields, 'from'));
  const sender = parseAddressList(getFieldAll(fields, 'sender'));
  const replyTo = parseAddressList(getFieldAll(fields, 'reply-to'));
  return {
    date: getField(fields, 'date'),
    subject: getField(fields, 'subject'),
    from,
    sender: sender ?? from,
    replyTo: replyTo ?? from,
    to: parseAddressList(getFieldAll(fields, 'to')),
    cc: parseAddressList(getFieldAll(fields, 'cc')),
    bcc: parseAddressList(getFieldAll(fields, 'bcc')),
    inReplyTo: getField(fields, 'in-reply-to'),
    messageId: getField(fields, 'message-id'),
  };
}
