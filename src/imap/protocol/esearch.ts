/**
 * ESEARCH responses (RFC 4731 §3.1, the answer IMAP4rev2 gives to every SEARCH:
 * RFC 9051 §6.4.4, §7.3.4): `* ESEARCH (TAG "a1") UID MIN 2 MAX 9 COUNT 4 ALL 2:3,7,9`.
 * Result options MIN, MAX, COUNT, ALL; none given means ALL (RFC 4731 §3.1). A
 * search that matched nothing leaves out MIN, MAX and ALL. Pure.
 */
import { ProtocolError } from './errors.js';
import { formatSequenceSet } from './sequence.js';
import { quoted } from './quote.js';
import type { Token } from './tokens.js';

export type ResultOption = 'MIN' | 'MAX' | 'COUNT' | 'ALL';

const OPTIONS = new Set<string>(['MIN', 'MAX', 'COUNT', 'ALL']);

/**
 * A leading `RETURN (options)` of SEARCH (RFC 4731 §3.1): the options and the tokens
 * after it; `undefined` options when there is no RETURN.
 */
export function readReturn(tokens: Token[]): { options: ResultOption[] | undefined; rest: Token[] } {
  const first = tokens[0];
  if (first?.type !== 'atom' || first.section || first.value.toUpperCase() !== 'RETURN') return { options: undefined, rest: tokens };
  const list = tokens[1];
  if (list?.type !== 'list') throw new ProtocolError('SEARCH: RETURN needs a list of result options');
  const options: ResultOption[] = [];
  for (const t of list.items) {
    const v = t.type === 'atom' ? t.value.toUpperCase() : '';
    if (!OPTIONS.has(v)) throw new ProtocolError(`SEARCH: unknown result option ${v.slice(0, 30)}`);
    options.push(v as ResultOption);
  }
  return { options: options.length ? options : ['ALL'], rest: tokens.slice(2) };
}

export interface EsearchAnswer {
  tag: string;
  uid: boolean;
  /** Matching numbers (sequence numbers or uids), ascending. */
  nums: readonly number[];
  options: readonly ResultOption[];
  /** RFC 7162 §3.1.5: the highest modseq of the matches, when the MODSEQ key was used. */
  modseq?: number;
}

export function encodeEsearch(a: EsearchAnswer): string {
  let line = `* ESEARCH (TAG ${quoted(a.tag)})${a.uid ? ' UID' : ''}`;
  const opts = new Set(a.options);
  const n = a.nums.length;
  if (opts.has('MIN') && n) line += ` MIN ${a.nums[0]}`;
  if (opts.has('MAX') && n) line += ` MAX ${a.nums[n - 1]}`;
  if (opts.has('COUNT')) line += ` COUNT ${n}`;
  if (opts.has('ALL') && n) line += ` ALL ${formatSequenceSet([...a.nums])}`;
  if (a.modseq !== undefined && n) line += ` MODSEQ ${a.modseq}`;
  return line;
}
