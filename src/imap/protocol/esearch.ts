/**
 * ESEARCH (RFC 4731): the `RETURN (...)` result options of SEARCH, UID SEARCH and
 * (RFC 5267 §3.1 ESORT) SORT / UID SORT, with SAVE of RFC 5182 §2.1, and the
 * `* ESEARCH` response (RFC 4731 §3.1, with MODSEQ of RFC 7162 §3.1.5). Other
 * commands that answer with ESEARCH (IMAP4rev2 SEARCH) call `encodeEsearch`. Pure.
 */
import type { Token } from './tokens.js';
import { ProtocolError } from './errors.js';
import { quoted } from './quote.js';
import { formatOrderedSet, formatSequenceSet } from './sequence.js';

export interface ReturnOptions {
  min: boolean;
  max: boolean;
  all: boolean;
  count: boolean;
  /** RFC 5182 §2.1: keep the result for `$`. */
  save: boolean;
}

const OPTIONS = ['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE'] as const;

/**
 * The list after RETURN. RFC 4731 §3.1: `RETURN ()` means `RETURN (ALL)`; an
 * unknown option is a syntax error (BAD).
 */
export function parseReturnOptions(list: Token | undefined, command: string): ReturnOptions {
  if (!list || list.type !== 'list') throw new ProtocolError(`${command}: RETURN needs a parenthesized list of options`);
  const o: ReturnOptions = { min: false, max: false, all: false, count: false, save: false };
  for (const t of list.items) {
    const name = t.type === 'atom' && !t.section ? t.value.toUpperCase() : '';
    if (!(OPTIONS as readonly string[]).includes(name)) throw new ProtocolError(`${command}: unknown RETURN option`);
    o[name.toLowerCase() as keyof ReturnOptions] = true;
  }
  if (list.items.length === 0) o.all = true;
  return o;
}

/** RFC 5182 §2.1: SAVE is the only option → no ESEARCH response at all. */
export function onlySave(o: ReturnOptions): boolean {
  return o.save && !o.min && !o.max && !o.all && !o.count;
}

/**
 * RFC 5182 §2.1: what `$` holds after SAVE — the MIN and/or MAX message when only
 * those were asked for, else the whole result.
 */
export function savedPart(o: ReturnOptions, matches: readonly number[], sorted = false): number[] {
  if ((o.min || o.max) && !o.all && !o.count && matches.length) {
    const lo = sorted ? matches[0]! : extreme(matches, 'min');
    const hi = sorted ? matches[matches.length - 1]! : extreme(matches, 'max');
    const out: number[] = [];
    if (o.min) out.push(lo);
    if (o.max && !(o.min && hi === lo)) out.push(hi);
    return out.sort((a, b) => a - b);
  }
  return [...matches].sort((a, b) => a - b);
}

function extreme(nums: readonly number[], which: 'min' | 'max'): number {
  let v = nums[0]!;
  for (const n of nums) if (which === 'min' ? n < v : n > v) v = n;
  return v;
}

export interface EsearchAnswer {
  tag: string;
  /** The numbers are uids (UID SEARCH / UID SORT). */
  uid: boolean;
  options: ReturnOptions;
  /** Matching message numbers; in sort order for SORT (ESORT), any order for SEARCH. */
  matches: readonly number[];
  /** ESORT (RFC 5267 §3.1): MIN/MAX are the first/last in sort order and ALL keeps that order. */
  sorted?: boolean;
  /** RFC 7162 §3.1.5: the highest modseq of the messages returned. */
  modseq?: number;
}

/**
 * `* ESEARCH (TAG "t") [UID] [MIN n] [MAX n] [COUNT n] [ALL set] [MODSEQ n]`
 * (RFC 4731 §3.1: MIN, MAX and ALL are left out when nothing matched; COUNT 0 is sent).
 */
export function encodeEsearch(a: EsearchAnswer): string {
  let line = `* ESEARCH (TAG ${quoted(a.tag)})`;
  if (a.uid) line += ' UID';
  const m = a.matches;
  if (m.length) {
    if (a.options.min) line += ` MIN ${a.sorted ? m[0] : extreme(m, 'min')}`;
    if (a.options.max) line += ` MAX ${a.sorted ? m[m.length - 1] : extreme(m, 'max')}`;
  }
  if (a.options.count) line += ` COUNT ${m.length}`;
  if (a.options.all && m.length) line += ` ALL ${a.sorted ? formatOrderedSet(m) : formatSequenceSet(m)}`;
  if (a.modseq !== undefined && m.length) line += ` MODSEQ ${a.modseq}`;
  return line;
}
