/**
 * SEARCH criteria (RFC 3501 §6.4.4, §9 `search-key`) into a tree; `CHARSET` (only
 * UTF-8 and US-ASCII are accepted, §6.4.4: otherwise NO [BADCHARSET]); the
 * `MODSEQ` key of RFC 7162 §3.1.5; `RETURN (...)` of RFC 4731 §3.1 (./esearch.ts);
 * `$` of RFC 5182 §2.1 (the saved result, resolved by the selected view); `OLDER` /
 * `YOUNGER` of RFC 5032 §3; `SAVEDBEFORE` / `SAVEDON` / `SAVEDSINCE` /
 * `SAVEDATESUPPORTED` of RFC 8514 §4.3. EMAILID / THREADID of RFC 8474 §6. Pure: the evaluator is ../search/evaluate.ts.
 */
import type { Token, SequenceSet } from './tokens.js';
import { tokenText } from './tokens.js';
import { ProtocolError } from './errors.js';
import { parseSequenceSet, isSequenceSet } from './sequence.js';
import { parseDate } from './encode-basic.js';
import { isValidKeyword } from './encode-basic.js';
import { parseReturnOptions, type ReturnOptions } from './esearch.js';

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
  | { op: 'date'; field: 'internal' | 'sent' | 'saved'; cmp: 'before' | 'on' | 'since'; day: number }
  /** RFC 5032 §3: internal date more (older) or less (younger) than `seconds` ago. */
  | { op: 'within'; cmp: 'older' | 'younger'; seconds: number }
  | { op: 'size'; cmp: 'larger' | 'smaller'; n: number }
  | { op: 'modseq'; n: number }
  /** RFC 8474 §6: EMAILID / THREADID objectid */
  | { op: 'objectid'; kind: 'emailid' | 'threadid'; id: string };

export interface SearchRequest {
  charset: string | undefined;
  key: SearchKey;
  /** The MODSEQ key was used: the response carries (MODSEQ n) (RFC 7162 §3.1.5). */
  usesModseq: boolean;
  /** `RETURN (...)` was given: the answer is `* ESEARCH` (RFC 4731 §3.1). */
  returnOptions?: ReturnOptions;
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

const DATE_KEYS: Record<string, ['internal' | 'sent' | 'saved', 'before' | 'on' | 'since']> = {
  SAVEDBEFORE: ['saved', 'before'],
  SAVEDON: ['saved', 'on'],
  SAVEDSINCE: ['saved', 'since'],
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
    // RFC 5182 §2.1: `$` is the saved result, uids whatever the command
    if (tok.value === '$') return { op: 'uid', set: parseSequenceSet('$') };
    const flag = FLAG_KEYS[name];
    if (flag) return { op: 'flag', flag: flag[0], has: flag[1] };
    const tf = TEXT_KEYS[name];
    if (tf) return { op: 'text', field: tf, value: this.text(`${name} value`) };
    const dk = DATE_KEYS[name];
    if (dk) return { op: 'date', field: dk[0], cmp: dk[1], day: parseDate(this.text(`${name} date`)) };
    switch (name) {
      case 'ALL':
      case 'SAVEDATESUPPORTED': // RFC 8514 §4.3: every folder keeps save dates
        return { op: 'all' };
      case 'OLDER':
      case 'YOUNGER': {
        const seconds = this.number('interval');
        if (seconds < 1) throw new ProtocolError(`SEARCH: ${name} needs a positive number of seconds`);
        return { op: 'within', cmp: name === 'OLDER' ? 'older' : 'younger', seconds };
      }
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

/** Parse SEARCH arguments: `[RETURN (opts)] [CHARSET name] key...`. Throws ProtocolError or BadCharsetError. */
export function parseSearch(tokens: Token[]): SearchRequest {
  let charset: string | undefined;
  let rest = tokens;
  let returnOptions: ReturnOptions | undefined;
  if (isWord(rest[0], 'RETURN')) {
    returnOptions = parseReturnOptions(rest[1], 'SEARCH');
    rest = rest.slice(2);
  }
  if (isWord(rest[0], 'CHARSET')) {
    charset = checkCharset(rest[1]);
    rest = rest.slice(2);
  }
  const { key, usesModseq } = parseCriteria(rest);
  return returnOptions ? { charset, key, usesModseq, returnOptions } : { charset, key, usesModseq };
}

function isWord(t: Token | undefined, upper: string): boolean {
  return t?.type === 'atom' && !t.section && t.value.toUpperCase() === upper;
}

/** A charset name SEARCH, SORT and THREAD accept (upper-cased), else BadCharsetError. */
export function checkCharset(t: Token | undefined): string {
  const cs = tokenText(t);
  if (cs === undefined) throw new ProtocolError('SEARCH: CHARSET needs a name');
  const upper = cs.toUpperCase();
  if (!SUPPORTED_CHARSETS.includes(upper)) throw new BadCharsetError(cs);
  return upper;
}

/** Search keys (one or more, ANDed): the search program of SEARCH, SORT and THREAD. */
export function parseCriteria(tokens: Token[]): { key: SearchKey; usesModseq: boolean } {
  if (tokens.length === 0) throw new ProtocolError('SEARCH: missing search criteria');
  const p = new Parser(tokens);
  const keys: SearchKey[] = [];
  while (p.more()) keys.push(p.key(0));
  return { key: keys.length === 1 ? keys[0]! : { op: 'and', keys }, usesModseq: p.usesModseq };
}
