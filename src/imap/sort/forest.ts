/**
 * The containers THREAD builds (RFC 5256 §3), as parallel arrays of integers rather
 * than one object per container: a 100,000-message folder makes no 100,000 small
 * objects to allocate, chase and collect. Container `c` holds message `msg[c]`
 * (an index into the thread columns) or -1 for a dummy; its children are a doubly
 * linked list (`first`/`last`, `next`/`prev`), so linking, unlinking and
 * promoting children are O(1). Also the `* THREAD` encoding of RFC 5256 §4. Pure.
 */

export class Forest {
  msg: Int32Array;
  parent: Int32Array;
  first: Int32Array;
  last: Int32Array;
  next: Int32Array;
  prev: Int32Array;
  /** Sort key of REFERENCES steps 6–7 (sent date, mailbox position), set by sortByDate. */
  date: Float64Array;
  pos: Float64Array;
  /** The top-level containers, in order. */
  roots: number[] = [];
  size = 0;

  /** `capacity`: the containers expected (more are made room for). */
  constructor(capacity = 16) {
    const n = Math.max(16, capacity);
    this.msg = new Int32Array(n);
    this.parent = new Int32Array(n);
    this.first = new Int32Array(n);
    this.last = new Int32Array(n);
    this.next = new Int32Array(n);
    this.prev = new Int32Array(n);
    this.date = new Float64Array(n);
    this.pos = new Float64Array(n);
  }

  private grow(): void {
    const n = this.msg.length * 2;
    const more = <T extends Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.msg = more(this.msg);
    this.parent = more(this.parent);
    this.first = more(this.first);
    this.last = more(this.last);
    this.next = more(this.next);
    this.prev = more(this.prev);
    this.date = more(this.date);
    this.pos = more(this.pos);
  }

  /** A new container with no parent and no children. */
  make(msg: number): number {
    if (this.size === this.msg.length) this.grow();
    const c = this.size++;
    this.msg[c] = msg;
    this.parent[c] = this.first[c] = this.last[c] = this.next[c] = this.prev[c] = -1;
    return c;
  }

  /** Append `child` (without a parent) to the children of `parent`. */
  link(child: number, parent: number): void {
    const tail = this.last[parent]!;
    this.parent[child] = parent;
    this.prev[child] = tail;
    this.next[child] = -1;
    if (tail >= 0) this.next[tail] = child;
    else this.first[parent] = child;
    this.last[parent] = child;
  }

  unlink(c: number): void {
    const p = this.parent[c]!;
    if (p < 0) return;
    const a = this.prev[c]!;
    const b = this.next[c]!;
    if (a >= 0) this.next[a] = b;
    else this.first[p] = b;
    if (b >= 0) this.prev[b] = a;
    else this.last[p] = a;
    this.parent[c] = this.prev[c] = this.next[c] = -1;
  }

  /** Put the children of `c` in its place among its siblings (c leaves the tree). */
  promoteChildren(c: number): void {
    const p = this.parent[c]!;
    const a = this.first[c]!;
    if (a < 0) return this.unlink(c);
    const z = this.last[c]!;
    for (let g = a; g >= 0; g = this.next[g]!) this.parent[g] = p;
    const before = this.prev[c]!;
    const after = this.next[c]!;
    this.prev[a] = before;
    this.next[z] = after;
    if (before >= 0) this.next[before] = a;
    else this.first[p] = a;
    if (after >= 0) this.prev[after] = z;
    else this.last[p] = z;
    this.first[c] = this.last[c] = this.parent[c] = this.prev[c] = this.next[c] = -1;
  }

  /** Children of `c` move to the end of the children of `to`. */
  moveChildren(c: number, to: number): void {
    for (let g = this.first[c]!; g >= 0; ) {
      const n = this.next[g]!;
      this.link(g, to);
      g = n;
    }
    this.first[c] = this.last[c] = -1;
  }

  childCount(c: number): number {
    let n = 0;
    for (let g = this.first[c]!; g >= 0; g = this.next[g]!) n++;
    return n;
  }

  /** Every container under `tops` (and they), parents before children, without recursion. */
  preorder(tops: readonly number[]): number[] {
    const order: number[] = [];
    const stack: number[] = [];
    for (let i = tops.length - 1; i >= 0; i--) stack.push(tops[i]!);
    while (stack.length) {
      const n = stack.pop()!;
      order.push(n);
      for (let g = this.last[n]!; g >= 0; g = this.prev[g]!) stack.push(g);
    }
    return order;
  }

  /** Re-chain the children of `c` in the order given. */
  setChildren(c: number, kids: readonly number[]): void {
    this.first[c] = this.last[c] = -1;
    for (const k of kids) {
      this.parent[k] = -1;
      this.link(k, c);
    }
  }
}

/**
 * `(3 6 (4 23)(44 7 96))` per RFC 5256 §4: a node and its only child in one list,
 * several children each in parentheses; a dummy shows only its children.
 * `number` maps a message index to its sequence number or uid.
 */
export function encodeThreads(f: Forest, number: (msg: number) => number): string {
  let out = '';
  // an explicit stack of what is still to write: a container, or -1 for a closing parenthesis
  const todo: number[] = [];
  for (let r = f.roots.length - 1; r >= 0; r--) todo.push(-1, f.roots[r]!);
  const { msg, first, last, prev } = f;
  while (todo.length) {
    const n = todo.pop()!;
    if (n === -1) {
      out += ')';
      continue;
    }
    out += '(';
    // a chain of only children is written flat
    let m = n;
    let sep = '';
    while (msg[m] !== -1 && first[m]! >= 0 && first[m] === last[m]) {
      out += sep + number(msg[m]!);
      sep = ' ';
      m = first[m]!;
    }
    if (msg[m] !== -1) {
      out += sep + number(msg[m]!);
      sep = ' ';
    }
    if (first[m]! >= 0) {
      out += sep;
      for (let c = last[m]!; c >= 0; c = prev[c]!) todo.push(-1, c);
    }
  }
  return out;
}
