/**
 * Basic value encodings shared by the commands (RFC 3501 §9): `date-time`
 * (INTERNALDATE, APPEND), `date` (SEARCH BEFORE/ON/SINCE…), flag lists. Pure.
 */
import { ProtocolError } from './errors.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_INDEX = new Map(MONTHS.map((m, i) => [m.toLowerCase(), i]));

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * RFC 3501 `date-time` as sent in INTERNALDATE: `"22-Nov-2026 10:00:00 +0000"` (with quotes).
 * `offsetMinutes` is the zone to show (default UTC).
 */
export function formatInternalDate(ms: number, offsetMinutes = 0): string {
  const d = new Date(ms + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const off = Math.abs(offsetMinutes);
  return (
    `"${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${sign}${pad(Math.floor(off / 60))}${pad(off % 60)}"`
  );
}

const DATE_TIME_RE = /^([ \d]?\d)-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/** RFC 3501 `date-time` (the text inside the quotes), e.g. APPEND's date → Unix ms. Throws ProtocolError. */
export function parseDateTime(s: string): number {
  return parseDateTimeZone(s).ms;
}

/** RFC 3501 `date-time` → Unix ms and its zone, minutes east of UTC (`+0300` → 180). Throws ProtocolError. */
export function parseDateTimeZone(s: string): { ms: number; zone: number } {
  const m = DATE_TIME_RE.exec(s);
  if (!m) throw new ProtocolError('Invalid date-time, expected "dd-Mon-yyyy hh:mm:ss +zzzz"');
  const day = Number(m[1]!.trim());
  const month = MONTH_INDEX.get(m[2]!.toLowerCase());
  const year = Number(m[3]);
  const [hh, mm, ss] = [Number(m[4]), Number(m[5]), Number(m[6])];
  const zh = Number(m[8]);
  const zm = Number(m[9]);
  if (month === undefined || !validDay(year, month, day) || hh > 23 || mm > 59 || ss > 60 || zh > 23 || zm > 59) {
    throw new ProtocolError('Invalid date-time');
  }
  const off = (zh * 60 + zm) * (m[7] === '-' ? -1 : 1);
  return { ms: Date.UTC(year, month, day, hh, mm, Math.min(ss, 59)) - off * 60_000, zone: off };
}

const DATE_RE = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/;

/**
 * RFC 3501 `date` (SEARCH): `1-Feb-1994` → the calendar day as Unix ms of its UTC
 * midnight (SEARCH compares dates disregarding time and zone, §6.4.4). Throws ProtocolError.
 */
export function parseDate(s: string): number {
  const m = DATE_RE.exec(s);
  const month = m ? MONTH_INDEX.get(m[2]!.toLowerCase()) : undefined;
  if (!m || month === undefined || !validDay(Number(m[3]), month, Number(m[1]))) {
    throw new ProtocolError('Invalid date, expected d-Mon-yyyy');
  }
  return Date.UTC(Number(m[3]), month, Number(m[1]));
}

function validDay(year: number, month: number, day: number): boolean {
  if (day < 1 || year < 1900 || year > 9999) return false;
  return day <= new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** Whether a keyword is a valid `flag-keyword` atom (RFC 3501 §9: atom chars, no `]`... and no backslash). */
export function isValidKeyword(k: string): boolean {
  return /^[!#$&'+,\-./0-9:;<=>?@A-Z^_`a-z|}~\[]+$/.test(k) && k.length <= 100;
}
