/**
 * ENVELOPE wire form (RFC 3501 §7.4.2): (date subject from sender reply-to to cc bcc
 * in-reply-to message-id), addresses as ((name adl mailbox host) ...) or NIL.
 * RFC 3501 says sender and reply-to default to from; the stored envelope already
 * holds what the message gave, so they are filled from `from` here when absent.
 * Strings with 8-bit text or CR/LF go out as literals (quote.ts). Pure.
 */
import type { ImapAddress, ImapEnvelope } from '../../mime/types.js';
import { nstring } from './quote.js';

function addressList(list: ImapAddress[] | null): string {
  if (!list || list.length === 0) return 'NIL';
  return '(' + list.map((a) => `(${nstring(a.name)} ${nstring(a.adl)} ${nstring(a.mailbox)} ${nstring(a.host)})`).join('') + ')';
}

export function encodeEnvelope(e: ImapEnvelope): string {
  const from = e.from;
  const sender = e.sender && e.sender.length ? e.sender : from;
  const replyTo = e.replyTo && e.replyTo.length ? e.replyTo : from;
  return (
    '(' +
    [
      nstring(e.date),
      nstring(e.subject),
      addressList(from),
      addressList(sender),
      addressList(replyTo),
      addressList(e.to),
      addressList(e.cc),
      addressList(e.bcc),
      nstring(e.inReplyTo),
      nstring(e.messageId),
    ].join(' ') +
    ')'
  );
}
