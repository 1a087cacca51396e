/**
 * SEARCH criteria (RFC 3501 §6.4.4, §9 `search-key`) into a tree; `CHARSET` (only
 * UTF-8 and US-ASCII are accepted, §6.4.4: otherwise NO [BADCHARSET]); the
 * `MODSEQ` key of RFC 7162 §3.1.5; EMAILID / THREADID of RFC 8474 §6. Pure: the evaluator is ../search/evaluate.ts.
 */
import type { Token, SequenceSet } from './tokens.js';
import { tokenText } from './tokens.js';
import { ProtocolError } from './errors.js';
import { parseSequenceSet, isSequenceSet } from './sequence.js';
import { parseDate } from './encode-basic.js';
import { isValidKeyword } from './encode-basic.js';

export type TextKey = 'subject' | 'from' | 'to' | 'cc' | 'bcc' | 'body' | 'text';
export type SystemFlag = '\\Seen' | '\\Answered' | '\\Flagged' | '\\Deleted' | '\\Draft';

export type SearchKey =
  | { op: 'all' }
  | { op: 'and'; keys: SearchKey[] }
  | { op: 'or'; a: SearchKey; b: SearchKey }
  | { op: 'not'; key: SearchKey }
  | { op: 'seq'; set: SequenceSet }
  | { op: 'uid'; set: SequenceSet }
  | { op: 'flag'; flag: SystemFlag; has: boolean }
  | { op: 'keyword'; keyword: string; has: boolean }
  | { op: 'recent' | 'new' | 'old' }
  | { op: 'text'; field: TextKey; value: string }
  | { op: 'header'; name: string; value: string }
  | { op: 'date'; field: 'internal' | 'sent'; cmp: 'before' | 'on' | 'since'; day: number }
  | { op: 'size'; cmp: 'larger' | 'smaller'; n: number }
  | { op: 'modseq'; n: number }
  /** RFC 8474 §6: EMAILID / THREADID objectid */
  | { op: 'objectid'; kind: 'emailid' | 'threadid'; id: string };

export interface SearchRequest {
  charset: string | undefined;
  key: SearchKey;
  /** The MODSEQ key was used: the response carries (MODSEQ n) (RFC 7162 §3.1.5). */
  usesModseq: boolean;
}

export const SUPPORTED_CHARSETS = ['UTF-8', 'US-ASCII'];

const FLAG_KEYS: Record<string, [SystemFlag, boolean]> = {
  ANSWERED: ['\\Answered', true],
  UNANSWERED: ['\\Answered', false],
  DELETED: ['\\Deleted', true],
  UNDELETED: ['\\Deleted', false],
  DRAFT: ['\\Draft', true],
  UNDRAFT: ['\\Draft', false],
  FLAGGED: ['\\Flagged', true],
  UNFLAGGED: ['\\Flagged', false],
  SEEN: ['\\Seen', true],
  UNSEEN: ['\\Seen', false],
};

const TEXT_KEYS: Record<string, TextKey> = {
  SUBJECT: 'subject',
  FROM: 'from',
  TO: 'to',
  CC: 'cc',
  BCC: 'bcc',
  BODY: 'body',
  TEXT: 'text',
};

const DATE_KEYS: Record<string, ['internal' | 'sent', 'before' | 'on' | 'since']> = {
  BEFORE: ['internal', 'before'],
  ON: ['internal', 'on'],
  SINCE: ['internal', 'since'],
  SENTBEFORE: ['sent', 'before'],
  SENTON: ['sent', 'on'],
  SENTSINCE: ['sent', 'since'],
};

/** The charset was not one we search in: the command answers NO [BADCHARSET (...)]. */
export class BadCharsetError extends Error {}

class Parser {
  i = 0;
  usesModseq = false;
  constructor(private readonly t: Token[]) {}

  more(): boolean {
    return this.i < this.t.length;
  }

  next(what: string): Token {
    const tok = this.t[this.i++];
    if (!tok) throw new ProtocolError(`SEARCH: missing ${what}`);
    return tok;
  }

  text(what: string): string {
    const s = tokenText(this.next(what));
    if (s === undefined) throw new ProtocolError(`SEARCH: ${what} must be a string`);
    return s;
  }

  number(what: string): number {
    const tok = this.next(what);
    if (tok.type !== 'atom' || !/^\d{1,19}$/.test(tok.value)) throw new ProtocolError(`SEARCH: ${what} must be a number`);
    return Number(tok.value);
  }

  key(depth: number): SearchKey {
    if (depth > 64) throw new ProtocolError('SEARCH: criteria nested too deeply');
    const tok = this.next('search key');
    if (tok.type === 'list') {
      if (tok.items.length === 0) throw new ProtocolError('SEARCH: empty parenthesized criteria');
      const sub = new Parser(tok.items);
      const keys: SearchKey[] = [];
      while (sub.more()) keys.push(sub.key(depth + 1));
      if (sub.usesModseq) this.usesModseq = true;
      return keys.length === 1 ? keys[0]! : { op: 'and', keys };
    }
    if (tok.type !== 'atom' || tok.section) throw new ProtocolError('SEARCH: invalid search key');
    const name = tok.value.toUpperCase();
    if (isSequenceSet(tok.value)) return { op: 'seq', set: parseSequenceSet(tok.value) };
    const flag = FLAG_KEYS[name];
    if (flag) return { op: 'flag', flag: flag[0], has: flag[1] };
    const tf = TEXT_KEYS[name];
    if (tf) return { op: 'text', field: tf, value: this.text(`${name} value`) };
    const dk = DATE_KEYS[name];
    if (dk) return { op: 'date', field: dk[0], cmp: dk[1], day: parseDate(this.text(`${name} date`)) };
    switch (name) {
      case 'ALL':
        return { op: 'all' };
      case 'RECENT':
        return { op: 'recent' };
      case 'NEW':
        return { op: 'new' };
      case 'OLD':
        return { op: 'old' };
      case 'KEYWORD':
      case 'UNKEYWORD': {
        const k = this.text('keyword');
        if (!isValidKeyword(k) && !k.startsWith('\\')) throw new ProtocolError('SEARCH: invalid keyword');
        return { op: 'keyword', keyword: k, has: name === 'KEYWORD' };
      }
      case 'HEADER': {
        const field = this.text('header field name');
        return { op: 'header', name: field, value: this.text('header value') };
      }
      case 'LARGER':
      case 'SMALLER':
        return { op: 'size', cmp: name === 'LARGER' ? 'larger' : 'smaller', n: this.number('size') };
      case 'UID':
        return { op: 'uid', set: parseSequenceSet(this.text('uid set')) };
      case 'NOT':
        return { op: 'not', key: this.key(depth + 1) };
      case 'OR': {
        const a = this.key(depth + 1);
        return { op: 'or', a, b: this.key(depth + 1) };
      }
      case 'EMAILID':
      case 'THREADID': {
        const id = this.text('objectid');
        if (!/^[A-Za-z0-9_-]{1,255}$/.test(id)) throw new ProtocolError(`SEARCH: invalid ${name} objectid`);
        return { op: 'objectid', kind: name === 'EMAILID' ? 'emailid' : 'threadid', id };
      }
      case 'MODSEQ': {
        // MODSEQ [entry-name entry-type-req] mod-sequence-valzer (RFC 7162 §3.1.5)
        const peek = this.t[this.i];
        if (peek && (peek.type === 'string' || (peek.type === 'atom' && !/^\d+$/.test(peek.value)))) {
          this.text('entry name');
          this.text('entry type');
        }
        this.usesModseq = true;
        return { op: 'modseq', n: this.number('mod-sequence') };
      }
    }
    throw new ProtocolError(`SEARCH: unknown search key "${tok.value.slice(0, 30)}"`);
  }
}

/** Parse SEARCH arguments: `[CHARSET name] key...`. Throws ProtocolError or BadCharsetError. */
export function parseSearch(tokens: Token[]): SearchRequest {
  let charset: string | undefined;
  let rest = tokens;
  const first = tokens[0];
  if (first?.type === 'atom' && !first.section && first.value.toUpperCase() === 'CHARSET') {
    const cs = tokenText(tokens[1]);
    if (cs === undefined) throw new ProtocolError('SEARCH: CHARSET needs a name');
    charset = cs.toUpperCase();
    if (!SUPPORTED_CHARSETS.includes(charset)) throw new BadCharsetError(cs);
    rest = tokens.slice(2);
  }
  if (rest.length === 0) throw new ProtocolError('SEARCH: missing search criteria');
  const p = new Parser(rest);
  const keys: SearchKey[] = [];
  while (p.more()) keys.push(p.key(0));
  return { charset, key: keys.length === 1 ? keys[0]! : { op: 'and', keys }, usesModseq: p.usesModseq };
}
