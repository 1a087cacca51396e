/**
 * Address lists (RFC 5322 §3.4, with the obsolete forms of §4.4 tolerated) into the
 * ENVELOPE address structures of RFC 3501 §7.4.2: (name adl mailbox host).
 *
 * - display names: quoted strings unquoted, words joined by one space, RFC 2047
 *   encoded-words left as they are (clients decode them);
 * - a comment is the name when there is no display name ("a@b (Ann)");
 * - groups: {mailbox: group name, host: null} … {mailbox: null, host: null};
 * - a missing host ("undisclosed-recipients") gives host "" — never NIL, since a
 *   NIL host means a group marker to the client;
 * - never throws: text that is not an address becomes a mailbox of its own.
 */
import type { ImapAddress } from './types.js';

type Tok =
  | { t: 'word'; v: string; quoted: boolean }
  | { t: 'comment'; v: string }
  | { t: 'special'; v: string }
  | { t: 'literal'; v: string };

function tokenize(s: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '"') {
      let v = '';
      i++;
      while (i < n && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < n) i++;
        v += s[i];
        i++;
      }
      i++;
      toks.push({ t: 'word', v, quoted: true });
    } else if (c === '(') {
      let depth = 1;
      let v = '';
      i++;
      while (i < n && depth > 0) {
        const d = s[i]!;
        if (d === '\\' && i + 1 < n) {
          v += s[i + 1];
          i += 2;
          continue;
        }
        if (d === '(') depth++;
        else if (d === ')') {
          depth--;
          if (depth === 0) break;
        }
        v += d;
        i++;
      }
      i++;
      toks.push({ t: 'comment', v: v.trim() });
    } else if (c === '[') {
      const close = s.indexOf(']', i);
      const end = close < 0 ? n : close + 1;
      toks.push({ t: 'literal', v: s.slice(i, end) });
      i = end;
    } else if ('<>@,;:.'.includes(c)) {
      toks.push({ t: 'special', v: c });
      i++;
    } else {
      let j = i;
      while (j < n && !' \t\r\n"(<>@,;:.['.includes(s[j]!)) j++;
      toks.push({ t: 'word', v: s.slice(i, j), quoted: false });
      i = j;
    }
  }
  return toks;
}

class Parser {
  private i = 0;
  private lastComment: string | null = null;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok | undefined {
    // comments are skipped, the last one remembered
    while (this.i < this.toks.length && this.toks[this.i]!.t === 'comment') {
      this.lastComment = this.toks[this.i]!.v;
      this.i++;
    }
    return this.toks[this.i];
  }

  private isSpecial(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.t === 'special' && t.v === v;
  }

  list(): ImapAddress[] {
    const out: ImapAddress[] = [];
    while (this.peek()) {
      if (this.isSpecial(',')) {
        this.i++;
        continue;
      }
      const before = this.i;
      this.address(out, false);
      if (this.i === before) this.i++; // never loop on a stray token
    }
    return out;
  }

  /** One address or group; `inGroup` stops at ';'. */
  private address(out: ImapAddress[], inGroup: boolean): void {
    this.lastComment = null;
    // Collect a phrase or a local part until ':' '<' ',' ';' or the end.
    const words: Tok[] = [];
    for (;;) {
      const t = this.peek();
      if (!t) break;
      if (t.t === 'special' && (t.v === ':' || t.v === '<' || t.v === ',' || t.v === ';')) break;
      if (t.t === 'special' && t.v === '>') {
        this.i++;
        continue;
      }
      words.push(t);
      this.i++;
    }
    const t = this.peek();
    if (t && t.t === 'special' && t.v === ':' && !inGroup) {
      this.i++;
      out.push({ name: null, adl: null, mailbox: phrase(words) || '', host: null });
      while (this.peek() && !this.isSpecial(';')) {
        if (this.isSpecial(',')) {
          this.i++;
          continue;
        }
        const before = this.i;
        this.address(out, true);
        if (this.i === before) this.i++;
      }
      if (this.isSpecial(';')) this.i++;
      out.push({ name: null, adl: null, mailbox: null, host: null });
      return;
    }
    if (t && t.t === 'special' && t.v === '<') {
      this.i++;
      const name = phrase(words);
      const inner: Tok[] = [];
      while (this.peek() && !this.isSpecial('>')) {
        inner.push(this.toks[this.i]!);
        this.i++;
      }
      if (this.isSpecial('>')) this.i++;
      const commentName = this.lastComment;
      // trailing comments after '>' also count as the name when there is none
      this.peek();
      const addr = addrSpec(inner, true);
      addr.name = name || (commentName ?? this.lastComment) || null;
      if (addr.mailbox !== null || addr.name !== null) out.push(addr);
      return;
    }
    if (t && t.t === 'special' && t.v === ':' && inGroup) this.i++; // stray ':' in a group
    if (words.length === 0) return;
    const addr = addrSpec(words, false);
    addr.name = this.lastComment || null;
    out.push(addr);
  }
}

function phrase(words: Tok[]): string {
  const parts: string[] = [];
  let prevDot = false;
  for (const w of words) {
    if (w.t === 'word') {
      if (prevDot && parts.length > 0) parts[parts.length - 1] += w.v;
      else parts.push(w.v);
      prevDot = false;
    } else if (w.t === 'special' && w.v === '.') {
      if (parts.length > 0) parts[parts.length - 1] += '.';
      else parts.push('.');
      prevDot = true;
    } else if (w.t === 'special' && w.v === '@') {
      parts.push('@');
      prevDot = false;
    } else if (w.t === 'literal') {
      parts.push(w.v);
    }
  }
  return parts.join(' ').trim();
}

/** [route ':'] local-part ['@' domain] */
function addrSpec(toks: Tok[], angle: boolean): ImapAddress {
  let adl: string | null = null;
  let rest = toks;
  if (angle) {
    const colon = toks.findIndex((t) => t.t === 'special' && t.v === ':');
    if (colon >= 0 && toks[0]?.t === 'special' && toks[0].v === '@') {
      // "@a @b" / "@a,@b" → "@a,@b" (RFC 5322 §4.4 obs-route)
      const hops: string[] = [];
      for (const t of toks.slice(0, colon)) {
        if (t.t === 'special' && t.v === '@') hops.push('@');
        else if (t.t === 'special' && t.v === ',') continue;
        else if (hops.length > 0) hops[hops.length - 1] += t.v;
      }
      adl = hops.join(',');
      rest = toks.slice(colon + 1);
    }
  }
  const at = lastIndexAt(rest);
  const localToks = at < 0 ? rest : rest.slice(0, at);
  const domainToks = at < 0 ? [] : rest.slice(at + 1);
  const local = localToks
    .map((t) => (t.t === 'word' && t.quoted && needsQuote(t.v) ? '"' + t.v.replace(/(["\\])/g, '\\$1') + '"' : t.v))
    .join('');
  const domain = domainToks.map((t) => t.v).join('');
  return {
    name: null,
    adl,
    mailbox: local === '' ? (at < 0 && !angle ? null : '') : local,
    host: at < 0 ? '' : domain,
  };
}

function lastIndexAt(toks: Tok[]): number {
  for (let i = toks.length - 1; i >= 0; i--) {
    const t = toks[i]!;
    if (t.t === 'special' && t.v === '@') return i;
  }
  return -1;
}

function needsQuote(s: string): boolean {
  return !/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.\u0080-\uffff]+$/.test(s);
}

/** Parses an address-list header value; null for an absent or empty one. */
export function parseAddressList(value: string | null): ImapAddress[] | null {
  if (value === null) return null;
  const list = new Parser(tokenize(value)).list();
  return list.length > 0 ? list : null;
}
