/**
 * Sets of uids as ascending arrays without duplicates: the SEARCH tree's AND, OR
 * and NOT are linear merges (no hash set of a 100,000-message folder per key). Pure.
 */

/** `list` ascending without duplicates (itself when it already is). */
export function ascending(list: readonly number[]): readonly number[] {
  for (let i = 1; i < list.length; i++) {
    if (list[i - 1]! >= list[i]!) {
      const s = Float64Array.from(list).sort();
      const out: number[] = [];
      for (let j = 0; j < s.length; j++) if (j === 0 || s[j] !== s[j - 1]) out.push(s[j]!);
      return out;
    }
  }
  return list;
}

export function intersect(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out;
}

export function union(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x <= y) {
      out.push(x);
      i++;
      if (x === y) j++;
    } else {
      out.push(y);
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/** What of `a` is not in `b`. */
export function difference(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0, j = 0; i < a.length; i++) {
    const x = a[i]!;
    while (j < b.length && b[j]! < x) j++;
    if (j >= b.length || b[j] !== x) out.push(x);
  }
  return out;
}
