/**
 * Header blocks of RFC 5322 §2.2 / §3.6 and the MIME header fields of RFC 2045 §5-6,
 * RFC 2183 (Content-Disposition) and RFC 2231 (parameter continuations and charsets).
 *
 * Works on bytes: a header block ends at the first empty line ("\r\n" or a bare
 * "\n", tolerated); a block without an empty line runs to the end of its range.
 * Field values are unfolded (RFC 5322 §2.2.3: the line break before WSP is removed)
 * and decoded from bytes as UTF-8 (RFC 6532 headers), trimmed at both ends.
 */
import iconv from 'iconv-lite';
import type { ParamList } from './types.js';

const LF = 0x0a;
const CR = 0x0d;

export interface HeaderBlock {
  /** End of the header block, the empty line included (== body start). */
  headerEnd: number;
  /** End of the header fields proper (the empty line excluded). */
  fieldsEnd: number;
}

/** Finds where the header block starting at `start` ends, within [start, end). */
export function findHeaderEnd(buf: Buffer, start: number, end: number): HeaderBlock {
  let pos = start;
  while (pos < end) {
    // An empty line at `pos`?
    if (buf[pos] === LF) return { headerEnd: pos + 1, fieldsEnd: pos };
    if (buf[pos] === CR && pos + 1 < end && buf[pos + 1] === LF) return { headerEnd: pos + 2, fieldsEnd: pos };
    const nl = buf.indexOf(LF, pos);
    if (nl < 0 || nl >= end) return { headerEnd: end, fieldsEnd: end };
    pos = nl + 1;
  }
  return { headerEnd: end, fieldsEnd: end };
}

/** One header field: lower-cased name, unfolded trimmed value. */
export interface HeaderField {
  name: string;
  value: string;
  /** The unfolded bytes, kept only when they are not valid UTF-8 (value is then Latin-1). */
  raw?: Buffer;
}

/** Splits a header block into fields. Lines without a colon are ignored. */
export function parseHeaderFields(buf: Buffer, start: number, end: number): HeaderField[] {
  const fields: HeaderField[] = [];
  let pos = start;
  let cur: { name: string; parts: Buffer[] } | null = null;
  const flush = (): void => {
    if (!cur) return;
    const bytes = cur.parts.length === 1 ? cur.parts[0]! : Buffer.concat(cur.parts);
    const value = decodeHeaderBytes(bytes);
    if (value.length > 0 && isLatin1Fallback(bytes, value)) fields.push({ name: cur.name, value: value.trim(), raw: bytes });
    else fields.push({ name: cur.name, value: value.trim() });
    cur = null;
  };
  while (pos < end) {
    let nl = buf.indexOf(LF, pos);
    if (nl < 0 || nl >= end) nl = end;
    let lineEnd = nl;
    if (lineEnd > pos && buf[lineEnd - 1] === CR) lineEnd--;
    const first = buf[pos];
    if (first === 0x20 || first === 0x09) {
      // a continuation line; one with no field before it is ignored
      if (cur) (cur as { parts: Buffer[] }).parts.push(buf.subarray(pos, lineEnd));
    } else {
      flush();
      const c = buf.subarray(pos, lineEnd).indexOf(0x3a); // within the line: no quadratic scans
      const colon = c < 0 ? -1 : pos + c;
      if (colon >= 0) {
        // field-name (RFC 5322 §3.6.8): printable, no spaces; "Name :" (obsolete) tolerated
        const name = buf.toString('latin1', pos, colon).replace(/[ \t]+$/, '').toLowerCase();
        if (/^[\x21-\x39\x3b-\x7e]+$/.test(name)) {
          cur = { name, parts: [buf.subarray(colon + 1, lineEnd)] };
        }
      }
    }
    pos = nl + 1;
  }
  flush();
  return fields;
}

const REPLACEMENT = Buffer.from('\ufffd');

/** Header bytes as text: UTF-8 when valid, else Latin-1 (one char per byte). */
export function decodeHeaderBytes(b: Buffer): string {
  const s = b.toString('utf8');
  if (s.includes('\ufffd') && !b.includes(REPLACEMENT)) return b.toString('latin1');
  return s;
}

function isLatin1Fallback(b: Buffer, decoded: string): boolean {
  // a UTF-8 decode is never longer in characters than bytes; Latin-1 is exactly as long
  return decoded.length === b.length && b.some((c) => c >= 0x80) && b.toString('utf8') !== decoded;
}

/**
 * Raw 8-bit header text that is not UTF-8 (legacy clients writing KOI8-R or
 * windows-1251 without RFC 2047) decoded in the entity's own charset, when it
 * declares one other than UTF-8/US-ASCII. Content-* fields are left alone: the
 * structure was read from them already.
 */
export function redecodeLegacyHeaders(fields: HeaderField[], charset: string | null): void {
  if (!charset) return;
  const cs = charset.trim().toLowerCase();
  if (cs === 'utf-8' || cs === 'utf8' || cs === 'us-ascii' || cs === 'ascii') return;
  for (const f of fields) {
    if (f.raw && !f.name.startsWith('content-')) f.value = decodeCharset(f.raw, cs).trim();
  }
}

/** The first field with this (lower-case) name, or null. */
export function getField(fields: HeaderField[], name: string): string | null {
  for (const f of fields) if (f.name === name) return f.value;
  return null;
}

/** All values of a field, joined as one list (for address fields repeated). */
export function getFieldAll(fields: HeaderField[], name: string): string | null {
  let out: string | null = null;
  for (const f of fields) {
    if (f.name !== name) continue;
    out = out === null ? f.value : out + ', ' + f.value;
  }
  return out;
}

/** A parsed structured value: `token; attr=value; …` (Content-Type, Content-Disposition). */
export interface StructuredValue {
  value: string;
  params: ParamList;
}

/**
 * Parses `value *(";" attribute "=" value)` (RFC 2045 §5.1), quoted strings with
 * backslash escapes, comments skipped. RFC 2231 continuations (`name*0`, `name*1*`)
 * are joined and `name*=charset'lang'%xx` decoded; a value that is not ASCII after
 * decoding is given as one RFC 2047 encoded-word (UTF-8, B) so it stays 7-bit on
 * the wire and clients display it. Attribute names are lower-cased.
 */
export function parseStructured(input: string): StructuredValue {
  const s = stripComments(input);
  const semi = indexOfUnquoted(s, ';');
  const value = (semi < 0 ? s : s.slice(0, semi)).trim();
  const raw: Array<[string, string, boolean]> = [];
  let pos = semi < 0 ? s.length : semi + 1;
  while (pos < s.length) {
    while (pos < s.length && (s[pos] === ' ' || s[pos] === '\t' || s[pos] === ';')) pos++;
    if (pos >= s.length) break;
    const nextSemi = indexOfUnquoted(s, ';', pos);
    const eq = s.slice(pos, nextSemi < 0 ? s.length : nextSemi).indexOf('=') + pos;
    if (eq < pos) {
      // attribute without value: skip it
      pos = nextSemi < 0 ? s.length : nextSemi + 1;
      continue;
    }
    const attr = s.slice(pos, eq).trim().toLowerCase();
    pos = eq + 1;
    while (pos < s.length && (s[pos] === ' ' || s[pos] === '\t')) pos++;
    let val = '';
    let quoted = false;
    if (s[pos] === '"') {
      quoted = true;
      pos++;
      while (pos < s.length && s[pos] !== '"') {
        if (s[pos] === '\\' && pos + 1 < s.length) pos++;
        val += s[pos];
        pos++;
      }
      pos++; // closing quote
      const ns = indexOfUnquoted(s, ';', pos);
      pos = ns < 0 ? s.length : ns + 1;
    } else {
      const ns = indexOfUnquoted(s, ';', pos);
      val = s.slice(pos, ns < 0 ? s.length : ns).trim();
      pos = ns < 0 ? s.length : ns + 1;
    }
    if (attr) raw.push([attr, val, quoted]);
  }
  return { value, params: joinRfc2231(raw) };
}

function stripComments(s: string): string {
  if (!s.includes('(')) return s;
  let out = '';
  let depth = 0;
  let inQuote = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (inQuote) {
      out += c;
      if (c === '\\' && i + 1 < s.length) out += s[++i];
      else if (c === '"') inQuote = false;
      continue;
    }
    if (depth > 0) {
      if (c === '\\') i++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      continue;
    }
    if (c === '"') {
      inQuote = true;
      out += c;
    } else if (c === '(') depth++;
    else out += c;
  }
  return out;
}

function indexOfUnquoted(s: string, ch: string, from = 0): number {
  let inQuote = false;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (inQuote) {
      if (c === '\\') i++;
      else if (c === '"') inQuote = false;
    } else if (c === '"') inQuote = true;
    else if (c === ch) return i;
  }
  return -1;
}

function joinRfc2231(raw: Array<[string, string, boolean]>): ParamList {
  const out: ParamList = [];
  const groups = new Map<string, { parts: Array<{ n: number; v: string; ext: boolean }>; at: number }>();
  for (const [attr, val] of raw) {
    const m = /^([^*]+)\*(?:(\d+)(\*)?|)$/.exec(attr);
    // name*  → extended single; name*N → continuation; name*N* → extended continuation
    if (!m) {
      if (!groups.has(attr)) out.push([attr, val]);
      continue;
    }
    const name = m[1]!;
    const n = m[2] === undefined ? 0 : Number(m[2]);
    const ext = m[2] === undefined ? true : m[3] === '*';
    let g = groups.get(name);
    if (!g) {
      // a plain `name=` seen earlier is replaced by the RFC 2231 form
      const plain = out.findIndex(([a]) => a === name);
      g = { parts: [], at: plain >= 0 ? plain : out.length };
      if (plain >= 0) out[plain] = [name, ''];
      else out.push([name, '']);
      groups.set(name, g);
    }
    g.parts.push({ n, v: val, ext });
  }
  for (const [name, g] of groups) {
    g.parts.sort((a, b) => a.n - b.n);
    let charset = '';
    const bytes: Buffer[] = [];
    g.parts.forEach((p, i) => {
      let v = p.v;
      if (p.ext) {
        if (i === 0) {
          const q1 = v.indexOf("'");
          const q2 = q1 >= 0 ? v.indexOf("'", q1 + 1) : -1;
          if (q1 >= 0 && q2 >= 0) {
            charset = v.slice(0, q1);
            v = v.slice(q2 + 1);
          }
        }
        bytes.push(percentDecode(v));
      } else bytes.push(Buffer.from(v, 'utf8'));
    });
    const text = decodeCharset(Buffer.concat(bytes), charset || 'utf-8');
    out[g.at] = [name, wireSafe(text)];
  }
  return out;
}

function percentDecode(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && i + 2 < s.length + 0 && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) out.push(c);
    else for (const b of Buffer.from(s[i]!, 'utf8')) out.push(b);
  }
  return Buffer.from(out);
}

/** Decodes bytes in a charset; unknown charsets fall back to UTF-8. */
export function decodeCharset(b: Buffer, charset: string): string {
  const cs = charset.trim().toLowerCase();
  if (cs === '' || cs === 'utf-8' || cs === 'utf8' || cs === 'us-ascii' || cs === 'ascii') return b.toString('utf8');
  if (iconv.encodingExists(cs)) {
    try {
      return iconv.decode(b, cs);
    } catch {
      /* fall through */
    }
  }
  return b.toString('utf8');
}

/** A parameter value for the wire: ASCII as is, otherwise one RFC 2047 B-word in UTF-8. */
export function wireSafe(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  return '=?UTF-8?B?' + Buffer.from(s, 'utf8').toString('base64') + '?=';
}

/** Parameters given raw with non-ASCII bytes (RFC 6532 style) are made wire-safe too. */
export function wireSafeParams(p: ParamList): ParamList {
  return p.map(([a, v]) => [a, wireSafe(v)]);
}

/**
 * IMAP BODY[HEADER.FIELDS (…)] and BODY[HEADER.FIELDS.NOT (…)] (RFC 3501 §6.4.5):
 * the fields of `headerBytes` whose names are (or, with `not`, are not) in `names`,
 * compared case-insensitively, each with its folded continuation lines as they are,
 * followed by the empty line (CRLF) that ends a header.
 */
export function extractHeaderFields(headerBytes: Buffer, names: string[], not: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const out: Buffer[] = [];
  const end = findHeaderEnd(headerBytes, 0, headerBytes.length).fieldsEnd;
  let pos = 0;
  let keep = false;
  while (pos < end) {
    let nl = headerBytes.indexOf(LF, pos);
    if (nl < 0 || nl >= end) nl = end - 1;
    const line = headerBytes.subarray(pos, nl + 1);
    const first = headerBytes[pos];
    if (first !== 0x20 && first !== 0x09) {
      const colon = line.indexOf(0x3a);
      if (colon < 0) keep = false;
      else {
        const name = line.toString('latin1', 0, colon).trim().toLowerCase();
        keep = wanted.has(name) !== not;
      }
    }
    if (keep) {
      out.push(line);
      // normalise a bare LF (or a missing line end) to CRLF
      const n = line.length;
      if (line[n - 1] !== LF) out.push(Buffer.from('\r\n'));
      else if (n < 2 || line[n - 2] !== CR) {
        out[out.length - 1] = Buffer.concat([line.subarray(0, n - 1), Buffer.from('\r\n')]);
      }
    }
    pos = nl + 1;
  }
  out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}
