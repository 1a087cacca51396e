/**
 * Sequence sets (RFC 3501 §9 `sequence-set`): `1:*`, `3,5:7`, `*:4`, `*`.
 * Parsing only; resolution against a selected folder is SelectedView.resolveSet.
 * Pure.
 */
import type { SequenceSet, SeqNumber } from './tokens.js';
import { ProtocolError } from './errors.js';

const NZ = /^[1-9]\d{0,9}$/;

function seqNumber(s: string, whole: string): SeqNumber {
  if (s === '*') return '*';
  if (!NZ.test(s)) throw new ProtocolError(`Invalid sequence set "${whole.slice(0, 60)}"`);
  const n = Number(s);
  if (n > 0xffffffff) throw new ProtocolError(`Sequence number ${s} is out of range`);
  return n;
}

/** Whether an atom looks like a sequence set (SEARCH keys start with letters). */
export function isSequenceSet(s: string): boolean {
  return /^(\d+|\*)(:(\d+|\*))?(,(\d+|\*)(:(\d+|\*))?)*$/.test(s);
}

/**
 * Parse `1:*,3,5:7` into ranges in the order given. `$` (RFC 5182 §2.1: the result
 * saved by SEARCH RETURN (SAVE)) is a set with no ranges and `saved` set; the
 * selected view resolves it. Throws ProtocolError.
 */
export function parseSequenceSet(s: string): SequenceSet {
  if (!s) throw new ProtocolError('Empty sequence set');
  if (s === '$') return Object.assign([], { saved: true as const });
  const out: SequenceSet = [];
  for (const part of s.split(',')) {
    const c = part.indexOf(':');
    if (c < 0) {
      const n = seqNumber(part, s);
      out.push({ from: n, to: n });
    } else {
      out.push({ from: seqNumber(part.slice(0, c), s), to: seqNumber(part.slice(c + 1), s) });
    }
  }
  return out;
}

/** Compact text of sorted-or-not numbers: `1:3,7` (RFC 3501 §9). */
export function formatSequenceSet(nums: readonly number[]): string {
  return formatOrderedSet([...nums].sort((a, b) => a - b));
}

/** A sequence set keeping the given order: only ascending runs become ranges (`5,3:4,2,1`; ESORT, RFC 5267 §3.1). */
export function formatOrderedSet(nums: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < nums.length) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    parts.push(i === j ? String(nums[i]) : `${nums[i]}:${nums[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * Resolve a set against a plain sorted uid list without view semantics (used for
 * QRESYNC known-uids and UID EXPUNGE ranges that may name uids not in the view):
 * whether `n` is in the set, `*` meaning `star`.
 */
export function setContains(set: SequenceSet, n: number, star: number): boolean {
  for (const r of set) {
    let a = r.from === '*' ? star : r.from;
    let b = r.to === '*' ? star : r.to;
    if (a > b) [a, b] = [b, a];
    if (n >= a && n <= b) return true;
  }
  return false;
}
