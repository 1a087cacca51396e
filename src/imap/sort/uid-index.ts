/**
 * A number per uid for the uids of one folder, looked up in O(1): a typed array
 * indexed by uid when the uids are dense enough (the usual case: uids grow by one
 * per message), else a Map. Used for "is this uid in the search result" and for the
 * ranks of secondary SORT keys. Pure.
 */
export class UidIndex {
  private readonly base: number;
  private readonly table: Int32Array | undefined;
  private readonly map: Map<number, number> | undefined;

  /** `uids` in any order; `values[i]` (default 0) is what `get(uids[i])` returns. */
  constructor(uids: readonly number[], values?: ArrayLike<number>) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const u of uids) {
      if (u < lo) lo = u;
      if (u > hi) hi = u;
    }
    this.base = uids.length ? lo : 0;
    const span = uids.length ? hi - lo + 1 : 0;
    if (span <= 4 * uids.length + 1024) {
      // -1 marks "absent"; stored values must be >= 0
      const t = (this.table = new Int32Array(span).fill(-1));
      for (let i = 0; i < uids.length; i++) t[uids[i]! - lo] = values ? values[i]! : 0;
    } else {
      const m = (this.map = new Map<number, number>());
      for (let i = 0; i < uids.length; i++) m.set(uids[i]!, values ? values[i]! : 0);
    }
  }

  /** The value of `uid`, or -1 when it is not here. */
  get(uid: number): number {
    if (this.table) {
      const i = uid - this.base;
      return i >= 0 && i < this.table.length ? this.table[i]! : -1;
    }
    return this.map!.get(uid) ?? -1;
  }

  has(uid: number): boolean {
    return this.get(uid) >= 0;
  }
}
