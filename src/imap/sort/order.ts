/**
 * SORT ordering (RFC 5256 §3): messages ordered by the criteria in turn, each
 * optionally REVERSEd; messages equal on every criterion stay in mailbox order
 * (§3: "sorted according to the order in which they appear in the mailbox"). The
 * keys are already folded strings or numbers (mime/sort-fields.ts), so comparison
 * is plain `<`. Pure.
 */
import type { SortColumn } from '../../store/sort.js';

export interface SortCriterion {
  key: SortColumn;
  reverse: boolean;
}

export interface SortInput {
  /** Folder uids, ascending. */
  uids: readonly number[];
  /** One value array per criterion (same order as `criteria`), parallel to `uids`. */
  values: ReadonlyArray<ReadonlyArray<number | string>>;
  criteria: readonly SortCriterion[];
  /** Only these uids take part (the search result); all when undefined. */
  only?: ReadonlySet<number>;
}

/** The uids in sort order. */
export function sortUids(input: SortInput): number[] {
  const { uids, values, criteria, only } = input;
  const idx: number[] = [];
  for (let i = 0; i < uids.length; i++) if (!only || only.has(uids[i]!)) idx.push(i);
  const cols = criteria.map((c, n) => ({ v: values[n]!, sign: c.reverse ? -1 : 1 }));
  if (cols.length === 1) {
    // one key (the usual case): no loop over criteria per comparison
    const { v, sign } = cols[0]!;
    idx.sort((a, b) => (v[a]! < v[b]! ? -sign : v[a]! > v[b]! ? sign : a - b));
    return idx.map((i) => uids[i]!);
  }
  idx.sort((a, b) => {
    for (const c of cols) {
      const x = c.v[a]!;
      const y = c.v[b]!;
      if (x < y) return -c.sign;
      if (x > y) return c.sign;
    }
    return a - b;
  });
  return idx.map((i) => uids[i]!);
}
