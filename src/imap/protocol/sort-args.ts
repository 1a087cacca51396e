/**
 * Arguments of SORT (RFC 5256 §3 `sort`, RFC 5957 §2 DISPLAYFROM / DISPLAYTO,
 * RFC 5267 §3.1 `RETURN (...)`) and THREAD (RFC 5256 §3 `thread`): the criteria or
 * algorithm, a charset (required, §3), then the search program of SEARCH. Pure.
 */
import type { Token } from './tokens.js';
import { ProtocolError } from './errors.js';
import { parseCriteria, checkCharset, type SearchKey } from './search-keys.js';
import { parseReturnOptions, type ReturnOptions } from './esearch.js';
import type { SortCriterion } from '../sort/order.js';
import type { SortColumn } from '../../store/sort.js';

const KEYS: Record<string, SortColumn> = {
  ARRIVAL: 'arrival',
  CC: 'cc',
  DATE: 'date',
  FROM: 'from',
  SIZE: 'size',
  SUBJECT: 'subject',
  TO: 'to',
  DISPLAYFROM: 'displayfrom',
  DISPLAYTO: 'displayto',
};

export type ThreadAlgorithm = 'REFERENCES' | 'ORDEREDSUBJECT';

export interface SortRequest {
  criteria: SortCriterion[];
  charset: string;
  key: SearchKey;
  usesModseq: boolean;
  returnOptions?: ReturnOptions;
}

export interface ThreadRequest {
  algorithm: ThreadAlgorithm;
  charset: string;
  key: SearchKey;
  usesModseq: boolean;
}

function word(t: Token | undefined): string {
  return t?.type === 'atom' && !t.section ? t.value.toUpperCase() : '';
}

/** `(REVERSE DATE SUBJECT)` → criteria; REVERSE applies to the key after it. */
export function parseSortCriteria(t: Token | undefined): SortCriterion[] {
  if (!t || t.type !== 'list' || t.items.length === 0) throw new ProtocolError('SORT: sort criteria must be a non-empty list');
  const out: SortCriterion[] = [];
  let reverse = false;
  for (const item of t.items) {
    const w = word(item);
    if (w === 'REVERSE') {
      if (reverse) throw new ProtocolError('SORT: REVERSE twice');
      reverse = true;
      continue;
    }
    const key = KEYS[w];
    if (!key) throw new ProtocolError(`SORT: unknown sort key`);
    out.push({ key, reverse });
    reverse = false;
  }
  if (reverse) throw new ProtocolError('SORT: REVERSE must be followed by a sort key');
  return out;
}

/** SORT arguments. Throws ProtocolError, or BadCharsetError for a charset not searched in. */
export function parseSort(tokens: Token[]): SortRequest {
  let rest = tokens;
  let returnOptions: ReturnOptions | undefined;
  if (word(rest[0]) === 'RETURN') {
    returnOptions = parseReturnOptions(rest[1], 'SORT');
    rest = rest.slice(2);
  }
  const criteria = parseSortCriteria(rest[0]);
  if (!rest[1]) throw new ProtocolError('SORT: missing charset');
  const charset = checkCharset(rest[1]);
  const { key, usesModseq } = parseCriteria(rest.slice(2));
  return returnOptions ? { criteria, charset, key, usesModseq, returnOptions } : { criteria, charset, key, usesModseq };
}

/** THREAD arguments. An algorithm not offered is a syntax error (RFC 5256 §3: BAD). */
export function parseThread(tokens: Token[]): ThreadRequest {
  const alg = word(tokens[0]);
  if (alg !== 'REFERENCES' && alg !== 'ORDEREDSUBJECT') throw new ProtocolError('THREAD: unknown threading algorithm');
  if (!tokens[1]) throw new ProtocolError('THREAD: missing charset');
  const charset = checkCharset(tokens[1]);
  const { key, usesModseq } = parseCriteria(tokens.slice(2));
  return { algorithm: alg, charset, key, usesModseq };
}
