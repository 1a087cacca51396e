/**
 * The sender named inside the message must be the authenticated mailbox (RFC 6409
 * §8.1 lets a submission server enforce it; the service promises that a message
 * from a gospochta mailbox comes from the confirmed person who owns it):
 *   - exactly one From: field (RFC 5322 §3.6 allows one), with exactly one
 *     address, no group, and that address is the authenticated mailbox;
 *   - a Sender: field only once and only naming that mailbox too;
 *   - a display name (RFC 2047 words decoded, NFKC-folded so full-width "＠" is an
 *     "@") that names no e-mail address other than the mailbox's own.
 * Returns the reason for `553 5.7.1`, or null.
 */
import libmime from 'libmime';
import { parseAddressList } from '../mime/address.js';
import type { HeaderField } from '../mime/header.js';
import { safeText } from '../shared/text.js';

/** Something a reader takes for an e-mail address: text@text. */
const ADDRESS_LIKE = /[^\s<>"'(),;:@[\]\\]+@[^\s<>"'(),;:@[\]\\]+/g;

function decodedName(name: string | null): string {
  if (!name) return '';
  let s = name;
  try {
    s = libmime.decodeWords(name);
  } catch {
    /* keep the raw words */
  }
  return s.normalize('NFKC');
}

function checkAddressField(field: 'From' | 'Sender', value: string, user: string): string | null {
  const list = parseAddressList(value) ?? [];
  const boxes = list.filter((a) => a.mailbox !== null && a.host !== null);
  const group = list.some((a) => a.host === null);
  const shown = safeText(value, 200);
  if (group || boxes.length !== 1) {
    return `The ${field}: field (${shown}) must name exactly one address, the authenticated mailbox <${user}>`;
  }
  const box = boxes[0]!;
  if (`${box.mailbox}@${box.host}`.toLowerCase() !== user) {
    return `The ${field}: header (${shown}) must be the authenticated mailbox <${user}>`;
  }
  const name = decodedName(box.name);
  for (const m of name.matchAll(ADDRESS_LIKE)) {
    if (m[0].toLowerCase() !== user) {
      return `The display name of the ${field}: field (${safeText(name, 200)}) names another address; it may name only <${user}>`;
    }
  }
  return null;
}

export function senderIdentityRefusal(fields: readonly HeaderField[], user: string): string | null {
  const from = fields.filter((f) => f.name === 'from');
  if (from.length === 0) return `The message has no From: header; it must name the authenticated mailbox <${user}>`;
  if (from.length > 1) {
    return `The message has ${from.length} From: fields; exactly one is allowed (RFC 5322 §3.6), naming the authenticated mailbox <${user}>`;
  }
  const r = checkAddressField('From', from[0]!.value, user);
  if (r) return r;
  const sender = fields.filter((f) => f.name === 'sender');
  if (sender.length > 1) return `The message has ${sender.length} Sender: fields; at most one is allowed (RFC 5322 §3.6)`;
  if (sender.length === 1) return checkAddressField('Sender', sender[0]!.value, user);
  return null;
}
