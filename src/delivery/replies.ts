/**
 * Messages the delivery step writes itself: the vacation auto-reply (RFC 5230 §5,
 * RFC 3834 §3) and the notice that a filter refused a message (RFC 5429 §2.1,
 * when the refusal cannot be said in the SMTP reply). And when a vacation reply
 * must not go (RFC 5230 §4.5–§4.6, RFC 3834 §2): to the null sender, to mail that
 * is itself automatic (Auto-Submitted: other than "no"), to lists and bulk mail
 * (List-*, Precedence: bulk/list/junk), to owner-/-request/MAILER-DAEMON
 * addresses, or when the mailbox's address is in none of To/Cc/Bcc/Resent-*.
 */
import { randomUUID } from 'node:crypto';
import type { SieveMessage, VacationAction } from '../sieve/interpret.js';

const AUTOMATIC_LOCAL = /^(owner-.*|.*-request|mailer-daemon|listserv|majordomo|postmaster|noreply|no-reply)$/i;

/** Why no vacation reply goes to this message, or null when one may. */
export function vacationRefusal(o: { msg: SieveMessage; mailFrom: string; me: string; action: VacationAction }): string | null {
  const { msg } = o;
  if (!o.mailFrom) return 'the null sender';
  const sender = o.mailFrom.toLowerCase();
  if (sender === o.me.toLowerCase()) return 'mail from the mailbox itself';
  if (AUTOMATIC_LOCAL.test(sender.slice(0, sender.lastIndexOf('@')))) return 'an automatic sender address';
  if (msg.header('auto-submitted').some((v) => v.trim().toLowerCase().split(/[\s;(]/)[0] !== 'no')) return 'auto-submitted mail (RFC 3834 §2)';
  if (['list-id', 'list-unsubscribe', 'list-post', 'list-help'].some((h) => msg.header(h).length > 0)) return 'list mail';
  if (msg.header('precedence').some((v) => /^(bulk|list|junk)$/i.test(v.trim()))) return 'bulk mail';
  const mine = new Set([o.me, ...o.action.addresses].map((a) => a.toLowerCase()));
  const named = ['to', 'cc', 'bcc', 'resent-to', 'resent-cc', 'resent-bcc'].flatMap((h) => msg.addresses(h)).map((a) => a.toLowerCase());
  if (!named.some((a) => mine.has(a))) return 'the mailbox is not named in To/Cc/Bcc (RFC 5230 §4.5)';
  return null;
}

const encodeWord = (s: string): string => (/^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`);

function envelopeFields(o: { hostname: string; from: string; to: string; subject: string; now: number }): string[] {
  return [
    `Date: ${new Date(o.now).toUTCString().replace(/GMT$/, '+0000')}`,
    `From: ${o.from}`,
    `To: ${o.to}`,
    `Subject: ${encodeWord(o.subject)}`,
    `Message-ID: <${randomUUID()}@${o.hostname}>`,
    'MIME-Version: 1.0',
  ];
}

const body = (text: string): string => Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');

/** The reply (RFC 5230 §5): In-Reply-To/References the original, Auto-Submitted: auto-replied (RFC 3834 §5). */
export function vacationReply(o: { hostname: string; me: string; to: string; action: VacationAction; msg: SieveMessage; now: number }): Buffer {
  const a = o.action;
  const original = o.msg.header('subject')[0] ?? '';
  const subject = a.subject ?? `Auto: ${original}`;
  const id = o.msg.header('message-id')[0];
  const refs = [...(o.msg.header('references')[0]?.split(/\s+/) ?? []), ...(id ? [id] : [])].filter(Boolean);
  const head = [
    ...envelopeFields({ hostname: o.hostname, from: a.from ?? o.me, to: o.to, subject, now: o.now }),
    ...(id ? [`In-Reply-To: ${id}`] : []),
    ...(refs.length ? [`References: ${refs.join(' ')}`] : []),
    'Auto-Submitted: auto-replied',
  ];
  // RFC 5230 §4.7: with :mime the reason is a whole MIME entity (its own header).
  if (a.mime) return Buffer.from(`${head.join('\r\n')}\r\n${a.reason.replace(/\r?\n/g, '\r\n')}`, 'utf8');
  return Buffer.from(`${head.join('\r\n')}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${body(a.reason)}\r\n`, 'utf8');
}

/** The notice to the sender that a recipient's filter refused the message (RFC 5429 §2.1). */
export function rejectNotice(o: { hostname: string; postmaster: string; to: string; recipient: string; reason: string; msg: SieveMessage; now: number }): Buffer {
  const original = o.msg.header('subject')[0] ?? '';
  const head = [
    ...envelopeFields({ hostname: o.hostname, from: `Mail Delivery System <${o.postmaster}>`, to: o.to, subject: `Rejected: ${original}`, now: o.now }),
    'Auto-Submitted: auto-replied',
  ];
  const text = `Your message to ${o.recipient} was refused by the recipient's filter:\n\n${o.reason}\n`;
  return Buffer.from(`${head.join('\r\n')}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${body(text)}\r\n`, 'utf8');
}
