/**
 * SORT (RFC 5256 §3, RFC 5957 §2) from the per-key indexes of store/message-sort.ts:
 * the first criterion is an index scan that already yields the order (ties by uid:
 * "the order in which they appear in the mailbox"); only inside runs of messages
 * equal on it are the next criteria compared (their ranks from their own index
 * scans), and a REVERSE first key, read backwards, has its runs put back in
 * mailbox order. No comparison sort over the whole folder.
 */
import type { Db } from '../../store/db.js';
import { uidsByKey } from '../../store/message-sort.js';
import type { SortCriterion } from './order.js';
import { UidIndex } from './uid-index.js';

/** The rank of each uid by one criterion: equal keys share a rank; REVERSE ranks from the top. */
function keyRanks(db: Db, folderId: number, c: SortCriterion): UidIndex {
  const r = uidsByKey(db, folderId, c.key, c.reverse, true);
  const v = r.values!;
  const ranks = new Int32Array(r.uids.length);
  let rank = 0;
  for (let i = 1; i < v.length; i++) {
    if (v[i] !== v[i - 1]) rank++;
    ranks[i] = rank;
  }
  return new UidIndex(r.uids, ranks);
}

/** Orders uids[a..b) (equal on the first key) by the next criteria, then by uid. */
function sortRun(uids: number[], a: number, b: number, ranks: readonly UidIndex[]): void {
  const run = uids.slice(a, b);
  if (ranks.length === 0) run.sort((x, y) => x - y);
  else {
    const keys = ranks.map((rk) => run.map((u) => rk.get(u)));
    const idx = run.map((_, i) => i);
    idx.sort((x, y) => {
      for (const k of keys) {
        const d = k[x]! - k[y]!;
        if (d !== 0) return d;
      }
      return run[x]! - run[y]!;
    });
    for (let i = 0; i < idx.length; i++) uids[a + i] = run[idx[i]!]!;
    return;
  }
  for (let i = 0; i < run.length; i++) uids[a + i] = run[i]!;
}

/**
 * The uids of the folder that `member` holds (the search result), in the order of
 * `criteria` (at least one).
 */
export function sortedUids(db: Db, folderId: number, criteria: readonly SortCriterion[], member: UidIndex): number[] {
  const [first, ...rest] = criteria;
  const simple = rest.length === 0 && !first!.reverse;
  const r = uidsByKey(db, folderId, first!.key, first!.reverse, !simple);
  const uids: number[] = [];
  const values: Array<number | string> = [];
  for (let i = 0; i < r.uids.length; i++) {
    const u = r.uids[i]!;
    if (!member.has(u)) continue;
    uids.push(u);
    if (!simple) values.push(r.values![i]!);
  }
  if (simple) return uids;
  const ranks = rest.map((c) => keyRanks(db, folderId, c));
  for (let a = 0; a < uids.length; ) {
    let b = a + 1;
    while (b < uids.length && values[b] === values[a]) b++;
    if (b - a > 1) sortRun(uids, a, b, ranks);
    a = b;
  }
  return uids;
}
