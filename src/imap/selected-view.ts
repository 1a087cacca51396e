/**
 * The selected folder as one session sees it (RFC 3501 §2.3.1.1–§2.3.1.2, §2.3.2):
 * its own sequence-number ↔ UID map, which changes only when the session reports
 * EXISTS / EXPUNGE to its client, and the session's \Recent set.
 */
import type { SelectedView } from './commands/types.js';
import type { SequenceSet, SeqNumber } from './protocol/tokens.js';
import { ProtocolError } from './protocol/errors.js';

/** Index of the first element >= x in a sorted array. */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class View implements SelectedView {
  private _uids: number[];
  readonly recent = new Set<number>();
  /** Keywords announced to the client in FLAGS / PERMANENTFLAGS, by lower-case name. */
  readonly keywords = new Map<string, string>();

  constructor(
    readonly folderId: number,
    public folderName: string,
    readonly uidValidity: number,
    readonly readOnly: boolean,
    uids: number[],
  ) {
    this._uids = uids;
  }

  get uids(): readonly number[] {
    return this._uids;
  }

  get exists(): number {
    return this._uids.length;
  }

  get maxUid(): number {
    return this._uids.length ? this._uids[this._uids.length - 1]! : 0;
  }

  uidToSeq(uid: number): number | undefined {
    const i = lowerBound(this._uids, uid);
    return this._uids[i] === uid ? i + 1 : undefined;
  }

  seqToUid(seq: number): number | undefined {
    return seq >= 1 && seq <= this._uids.length ? this._uids[seq - 1] : undefined;
  }

  has(uid: number): boolean {
    return this.uidToSeq(uid) !== undefined;
  }

  /** RFC 5182 §2.1: the uids SEARCH RETURN (SAVE) kept for `$`, ascending. */
  private saved: number[] = [];

  saveResult(uids: readonly number[]): void {
    this.saved = [...uids].sort((a, b) => a - b);
  }

  resolveSet(set: SequenceSet, isUid: boolean): number[] {
    // RFC 5182 §2.1: `$` names the saved uids still in the view (expunged ones are gone)
    if (set.saved) return this.saved.filter((uid) => this.has(uid));
    const u = this._uids;
    const picked = new Set<number>();
    const out: number[] = [];
    const single = set.length === 1;
    const add = (from: number, to: number) => {
      if (single) {
        // one range: a slice, no de-duplication needed
        for (let i = from; i < to; i++) out.push(u[i]!);
        return;
      }
      for (let i = from; i < to; i++) {
        const uid = u[i]!;
        if (!picked.has(uid)) {
          picked.add(uid);
          out.push(uid);
        }
      }
    };
    for (const r of set) {
      if (isUid) {
        if (u.length === 0) continue;
        const star = this.maxUid;
        let a = r.from === '*' ? star : r.from;
        let b = r.to === '*' ? star : r.to;
        if (a > b) [a, b] = [b, a];
        add(lowerBound(u, a), lowerBound(u, b + 1));
      } else {
        const n = u.length;
        const val = (x: SeqNumber): number => {
          if (x === '*') return n;
          if (x < 1 || x > n) throw new ProtocolError(`Invalid sequence number ${x} (the folder has ${n} messages)`);
          return x;
        };
        if (n === 0) {
          if (r.from === '*' || r.to === '*') continue;
          val(r.from);
        }
        let a = val(r.from);
        let b = val(r.to);
        if (a > b) [a, b] = [b, a];
        add(a - 1, b);
      }
    }
    if (set.length > 1) out.sort((x, y) => x - y);
    return out;
  }

  /** Add new uids (all above maxUid); returns how many were added. */
  append(uids: readonly number[]): number {
    let added = 0;
    for (const uid of [...uids].sort((a, b) => a - b)) {
      if (uid > this.maxUid) {
        this._uids.push(uid);
        added++;
      }
    }
    return added;
  }

  /** Remove one uid; returns the sequence number it had, or undefined. */
  remove(uid: number): number | undefined {
    const seq = this.uidToSeq(uid);
    if (seq === undefined) return undefined;
    this._uids.splice(seq - 1, 1);
    this.recent.delete(uid);
    return seq;
  }
}
