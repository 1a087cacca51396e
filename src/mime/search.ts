/**
 * Search fields for IMAP SEARCH (RFC 3501 §6.4.4): decoded (RFC 2047 encoded-words
 * in any charset, transfer encodings, body charsets) and lower-cased.
 * The body text is that of the text/plain and text/html parts that are not
 * attachments (HTML tags stripped crudely), capped at BODY_TEXT_CAP characters; only
 * a bounded prefix of each body is ever decoded.
 */
import libmime from 'libmime';
import { parseAddressList } from './address.js';
import { decodeQp, decodeText } from './decode.js';
import { decodeCharset, getField, getFieldAll, type HeaderField } from './header.js';
import type { ImapAddress, ImapEnvelope, SearchFields } from './types.js';
import { ftsDocument } from './words.js';

export const BODY_TEXT_CAP = 256 * 1024;
const HEADERS_TEXT_CAP = 256 * 1024;

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

/**
 * RFC 2047 encoded-words decoded (any charset iconv-lite knows; RFC 2231 language
 * suffix "charset*lang" ignored). Whitespace between adjacent encoded-words is
 * dropped (§6.2) and their bytes joined before charset decoding, so a character
 * split across two words survives. Never throws; libmime is the fallback for
 * anything unusual.
 */
export function decodeWords(s: string): string {
  if (!s.includes('=?')) return s;
  try {
    let out = '';
    let last = 0;
    let pending: { charset: string; bytes: Buffer[] } | null = null;
    const flush = (): void => {
      if (pending) out += decodeCharset(Buffer.concat(pending.bytes), pending.charset);
      pending = null;
    };
    ENCODED_WORD.lastIndex = 0;
    for (let m = ENCODED_WORD.exec(s); m; m = ENCODED_WORD.exec(s)) {
      const between = s.slice(last, m.index);
      if (!(pending && /^[ \t\r\n]*$/.test(between))) {
        flush();
        out += between;
      }
      const charset = m[1]!.split('*')[0]!.toLowerCase();
      const text = m[3]!;
      const bytes =
        m[2] === 'b' || m[2] === 'B'
          ? Buffer.from(text, 'base64')
          : decodeQp(Buffer.from(text.replace(/_/g, ' '), 'latin1'));
      if (pending && (pending as { charset: string }).charset === charset) (pending as { bytes: Buffer[] }).bytes.push(bytes);
      else {
        flush();
        pending = { charset, bytes: [bytes] };
      }
      last = m.index + m[0].length;
    }
    flush();
    return out + s.slice(last);
  } catch {
    try {
      return libmime.decodeWords(s);
    } catch {
      return s;
    }
  }
}

/**
 * "name <mailbox@host>, …" decoded; a group (RFC 5322 §3.4) as
 * "groupname: member, member;" so SEARCH TO/CC/BCC finds the group name too.
 */
export function addressText(list: ImapAddress[] | null): string {
  if (!list) return '';
  let out = '';
  let sep = '';
  for (const a of list) {
    if (a.host === null) {
      if (a.mailbox !== null) {
        // group start (RFC 3501 §7.4.2: NIL host, the group name as mailbox)
        out += `${sep}${decodeWords(a.mailbox)}:`;
        sep = ' ';
      } else {
        out += ';';
        sep = ', ';
      }
      continue;
    }
    const addr = a.mailbox !== null && a.host !== '' ? `${a.mailbox}@${a.host}` : (a.mailbox ?? '');
    const name = a.name === null ? '' : decodeWords(a.name);
    out += sep + (name ? `${name} <${addr}>` : addr);
    sep = ', ';
  }
  return out;
}

/** Date: header → Unix ms, or null (comments such as "(MSK)" ignored). */
/** Zone names seen in Russian mail that Date.parse does not know. */
const ZONES: Record<string, string> = { MSK: '+0300', MSD: '+0400', EET: '+0200', EEST: '+0300', CET: '+0100', CEST: '+0200', BST: '+0100' };

export function parseDate(value: string | null): number | null {
  if (value === null) return null;
  const v = value
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/ ([A-Z]{3,4})$/, (m, z: string) => (ZONES[z] ? ' ' + ZONES[z] : m));
  let t = Date.parse(v);
  if (Number.isNaN(t)) {
    // "Mon, 1 Jan 2024 10:00:00 +0300" variants Date.parse refuses: drop the weekday
    t = Date.parse(v.replace(/^[A-Za-z]{3},?\s*/, ''));
  }
  return Number.isNaN(t) ? null : t;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * The date part of a Date: header (RFC 5322 §3.3 `[day-of-week ","] day month year`),
 * as written — in the sender's zone, whatever the time and zone that follow — as
 * Unix ms of 00:00 UTC of that day. Two-digit years per §4.3 (obs-year). Null when
 * there is no such date.
 */
export function parseDateDay(value: string | null): number | null {
  if (value === null) return null;
  const v = value.replace(/\([^)]*\)/g, ' ');
  const m = /(?:^|[\s,])(\d{1,2})[\s-]+([a-z]{3})[a-z]*\.?[\s-]+(\d{2,4})(?=\s|$)/i.exec(v);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]!.toLowerCase());
  if (month < 0) return null;
  let year = Number(m[3]);
  if (m[3]!.length === 2) year += year < 50 ? 2000 : 1900;
  else if (m[3]!.length === 3) year += 1900;
  const day = Number(m[1]);
  const t = Date.UTC(year, month, day);
  if (new Date(t).getUTCDate() !== day) return null;
  return t;
}

/**
 * HTML to text, crudely and in linear time: tags and comments become spaces,
 * script/style content is dropped, a few entities are decoded.
 */
export function htmlToText(html: string): string {
  const lower = html.toLowerCase();
  let out = '';
  let pos = 0;
  const n = html.length;
  while (pos < n) {
    const lt = html.indexOf('<', pos);
    if (lt < 0) {
      out += html.slice(pos);
      break;
    }
    out += html.slice(pos, lt) + ' ';
    let close: number;
    if (lower.startsWith('<!--', lt)) {
      close = html.indexOf('-->', lt + 4);
      pos = close < 0 ? n : close + 3;
      continue;
    }
    const raw = lower.startsWith('<script', lt) ? '</script' : lower.startsWith('<style', lt) ? '</style' : null;
    if (raw) {
      const endTag = lower.indexOf(raw, lt + 1);
      if (endTag < 0) break;
      close = html.indexOf('>', endTag);
      pos = close < 0 ? n : close + 1;
      continue;
    }
    close = html.indexOf('>', lt + 1);
    pos = close < 0 ? n : close + 1;
  }
  return out
    .replace(/&nbsp;/gi, ' ')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&#(\d{1,7});/g, (_, d: string) => safeChar(Number(d)))
    .replace(/&#x([0-9a-f]{1,6});/gi, (_, h: string) => safeChar(parseInt(h, 16)))
    .replace(/&amp;/gi, '&');
}

function safeChar(n: number): string {
  return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : ' ';
}

/**
 * The most encoded bytes one character of text can take (so only a bounded prefix of
 * a body is decoded): 3 encoded bytes a decoded byte (QP) and 4 bytes a character;
 * a body not transfer-encoded (RFC 2045 §6.2: 7bit, 8bit, binary) takes 4 bytes a
 * character in UTF-8 and one in a one-byte charset.
 */
function bytesPerChar(encoding: string, charset: string): number {
  if (encoding !== '7bit' && encoding !== '8bit' && encoding !== 'binary') return 12;
  return ONE_BYTE_CHARSET.test(charset) ? 1 : 4;
}

const ONE_BYTE_CHARSET = /^(us-ascii|ascii|iso-8859-\d{1,2}|latin-?\d|windows-125\d|cp125\d|koi8-[ru]|ibm866|cp866)$/i;

export class SearchCollector {
  private body: string[] = [];
  private bodyLen = 0;
  private fields: HeaderField[] = [];

  addText(encoded: Buffer, encoding: string, charset: string, html: boolean): void {
    const room = BODY_TEXT_CAP - this.bodyLen;
    if (room <= 0) return;
    const slice = encoded.subarray(0, Math.min(encoded.length, room * bytesPerChar(encoding, charset) * (html ? 2 : 1)));
    let text = decodeText(slice, encoding, charset);
    if (html) text = htmlToText(text);
    text = text.toLowerCase();
    if (text.length > room) text = text.slice(0, room);
    this.body.push(text);
    this.bodyLen += text.length + 1;
  }

  private envelope: ImapEnvelope | null = null;

  setTopHeader(fields: HeaderField[], envelope: ImapEnvelope): void {
    this.fields = fields;
    this.envelope = envelope;
  }

  result(): SearchFields {
    const f = this.fields;
    const e = this.envelope;
    let headers = '';
    for (const h of f) {
      if (headers.length >= HEADERS_TEXT_CAP) break;
      headers += `${h.name}: ${decodeWords(h.value)}\n`;
    }
    const headersText = headers.slice(0, HEADERS_TEXT_CAP).toLowerCase();
    const bodyText = this.body.join('\n').slice(0, BODY_TEXT_CAP);
    return {
      sentDate: parseDate(getField(f, 'date')),
      sentDay: parseDateDay(getField(f, 'date')),
      subject: decodeWords(getField(f, 'subject') ?? '').toLowerCase(),
      from: addressText(e ? e.from : parseAddressList(getFieldAll(f, 'from'))).toLowerCase(),
      to: addressText(e ? e.to : parseAddressList(getFieldAll(f, 'to'))).toLowerCase(),
      cc: addressText(e ? e.cc : parseAddressList(getFieldAll(f, 'cc'))).toLowerCase(),
      bcc: addressText(e ? e.bcc : parseAddressList(getFieldAll(f, 'bcc'))).toLowerCase(),
      messageId: (getField(f, 'message-id') ?? '').toLowerCase(),
      headers: headersText,
      body: bodyText,
      fts: ftsDocument(headersText, bodyText),
    };
  }
}
