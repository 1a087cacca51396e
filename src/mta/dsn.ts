/**
 * A delivery status notification (RFC 3464, in a multipart/report of RFC 6522):
 * the message a sender finds in INBOX when mail to a remote recipient could not
 * be delivered (Action: failed), or has not been yet and is still being tried
 * (Action: delayed, with Will-Retry-Until, §2.3.3 and §2.3.9) — a readable
 * explanation (Russian and English), the message/delivery-status part per
 * recipient, and the headers of the message.
 */
import { randomBytes } from 'node:crypto';
import { findHeaderEnd } from '../mime/header.js';
import { rfc5322Date } from '../smtp/received.js';

export type ReportAction = 'failed' | 'delayed';

export interface ReportRecipient {
  recipient: string;
  /** Enhanced status code (RFC 3463), e.g. 5.1.1 or 4.4.1. */
  status: string;
  /** What the remote server said, or why it could not be reached. */
  diagnostic: string;
  remote: string | null;
}

const encodeWord = (s: string) => `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;

export function statusOf(text: string, permanent: boolean): string {
  const m = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(text);
  return m ? m[1]! : permanent ? '5.0.0' : '4.4.1';
}

export interface ReportOptions {
  hostname: string;
  postmaster: string;
  to: string;
  original: Buffer;
  arrival: number;
  action: ReportAction;
  /** For 'delayed': when the queue gives up (ms since the epoch). */
  willRetryUntil?: number;
  recipients: ReportRecipient[];
}

const WORDING: Record<ReportAction, { ru: string; en: string; subjectRu: string; subjectEn: string }> = {
  failed: {
    ru: 'Ваше письмо не удалось доставить следующим получателям:',
    en: 'Your message could not be delivered to these recipients:',
    subjectRu: 'Письмо не доставлено',
    subjectEn: 'Undelivered Mail Returned to Sender',
  },
  delayed: {
    ru: 'Ваше письмо пока не доставлено следующим получателям; попытки продолжаются, отправлять его заново не нужно:',
    en: 'Your message has not yet been delivered to these recipients; delivery is still being tried, there is no need to send it again:',
    subjectRu: 'Доставка письма задерживается',
    subjectEn: 'Delivery Status Notification (Delay)',
  },
};

export function deliveryReport(o: ReportOptions): Buffer {
  const boundary = `dsn-${randomBytes(9).toString('hex')}`;
  const h = findHeaderEnd(o.original, 0, o.original.length);
  const headers = o.original.subarray(0, h.fieldsEnd).toString('utf8').replace(/\r?\n/g, '\r\n');
  const w = WORDING[o.action];
  const list = o.recipients.map((f) => `  <${f.recipient}>: ${f.diagnostic}`).join('\r\n');
  const until = o.action === 'delayed' && o.willRetryUntil !== undefined ? rfc5322Date(new Date(o.willRetryUntil)) : null;
  const text = [
    w.ru,
    list,
    ...(until ? [`Попытки продолжатся до ${until}.`] : []),
    '',
    w.en,
    list,
    ...(until ? [`Delivery will be tried until ${until}.`] : []),
    '',
    `— ${o.hostname}`,
  ].join('\r\n');
  const perRecipient = o.recipients
    .map((f) =>
      [
        `Final-Recipient: rfc822; ${f.recipient}`,
        `Action: ${o.action}`,
        `Status: ${f.status}`,
        ...(f.remote ? [`Remote-MTA: dns; ${f.remote}`] : []),
        `Diagnostic-Code: smtp; ${f.diagnostic.replace(/[\r\n]+/g, ' ').slice(0, 900)}`,
        ...(until ? [`Will-Retry-Until: ${until}`] : []),
      ].join('\r\n'),
    )
    .join('\r\n\r\n');
  const parts = [
    `From: ${encodeWord('Служба доставки почты')} <${o.postmaster}>`,
    `To: <${o.to}>`,
    `Subject: ${encodeWord(w.subjectRu)} (${w.subjectEn})`,
    `Date: ${rfc5322Date()}`,
    `Message-ID: <dsn.${randomBytes(9).toString('hex')}@${o.hostname}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    text,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${o.hostname}`,
    `Arrival-Date: ${rfc5322Date(new Date(o.arrival))}`,
    '',
    perRecipient,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    headers,
    '',
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(parts.join('\r\n'), 'utf8');
}
