/**
 * THREAD algorithms of RFC 5256 §3: ORDEREDSUBJECT (by base subject, then date)
 * and REFERENCES (the Message-ID / References links, dummies pruned, roots gathered
 * by base subject, siblings ordered by sent date), over the integer containers of
 * ./forest.ts (which also encodes `* THREAD`, §4). Messages are given by index into
 * parallel columns (store/message-sort.ts `threadRows`: Message-IDs and subjects as
 * interned numbers), already in mailbox order, so ties fall back to mailbox order.
 * Deep reply chains are walked without recursion. Pure.
 */
import type { ParentRefs } from '../../store/message-sort.js';
import { Forest } from './forest.js';

export { encodeThreads, Forest } from './forest.js';

export interface ThreadInput {
  /** Sent date (Date:, else internal date), ms. */
  dates: readonly number[];
  /** RFC 5256 §2.1 base subject, folded, or its interned number ('' or 0: none). */
  subjects: ReadonlyArray<string | number>;
  /** 1 when the subject carried a reply/forward marker. */
  replies: readonly number[];
  /** `<id>` or its interned number ('' or 0: none). */
  messageIds: ReadonlyArray<string | number>;
  /** References ids (or the In-Reply-To id): space-separated, or interned (store/message-sort.ts). */
  parents: readonly string[] | ParentRefs;
  /** Indexes of the messages to thread (the search result), ascending. */
  members: readonly number[];
}

/** Message-IDs and parents as numbers: as given when interned, else numbered here. */
function numbered(t: ThreadInput): { ids: ArrayLike<number>; parents: ParentRefs } {
  if (!Array.isArray(t.parents)) return { ids: t.messageIds as readonly number[], parents: t.parents as ParentRefs };
  const names = new Map<string, number>();
  const num = (s: string): number => {
    if (!s) return 0;
    let n = names.get(s);
    if (n === undefined) names.set(s, (n = names.size + 1));
    return n;
  };
  const ids = t.messageIds.map((x) => num(String(x)));
  const texts = t.parents as readonly string[];
  const offsets = new Int32Array(texts.length + 1);
  const refs: number[] = [];
  texts.forEach((p, i) => {
    for (const r of p.split(' ')) if (r) refs.push(num(r));
    offsets[i + 1] = refs.length;
  });
  return { ids, parents: { offsets, refs } };
}

/** Linking `child` under `parent` would make a loop: `parent` is `child` or below it. */
function wouldLoop(f: Forest, child: number, parent: number): boolean {
  // a container without children has nothing below it: no walk up a long chain
  if (f.first[child]! < 0) return child === parent;
  for (let p = parent; p >= 0; p = f.parent[p]!) if (p === child) return true;
  return false;
}

/**
 * Container by Message-ID number: a table indexed by the number when the numbers
 * in play are few enough for one (one mailbox's names), else a Map.
 */
class IdTable {
  private readonly table: Int32Array | undefined;
  private readonly map: Map<number, number> | undefined;

  constructor(ids: ArrayLike<number>, members: readonly number[], refs: readonly number[]) {
    let max = 0;
    for (const i of members) if (ids[i]! > max) max = ids[i]!;
    for (const r of refs) if (r > max) max = r;
    if (max <= 8 * (members.length + refs.length) + 65_536) this.table = new Int32Array(max + 1).fill(-1);
    else this.map = new Map();
  }

  /** The container of `id`, or -1. */
  get(id: number): number {
    return this.table ? this.table[id]! : (this.map!.get(id) ?? -1);
  }

  set(id: number, c: number): void {
    if (this.table) this.table[id] = c;
    else this.map!.set(id, c);
  }
}

/** REFERENCES step 1: containers for every message and every id it references. */
function linkReferences(f: Forest, t: ThreadInput): void {
  const { ids, parents } = numbered(t);
  const { offsets, refs } = parents;
  const byId = new IdTable(ids, t.members, refs);
  for (const i of t.members) {
    const id = ids[i]!;
    let c = id ? byId.get(id) : -1;
    if (c >= 0 && f.msg[c] === -1) f.msg[c] = i;
    else {
      // no Message-ID, or a duplicate one: a unique container of its own (§3 step 1A)
      c = f.make(i);
      if (id && byId.get(id) < 0) byId.set(id, c);
    }
    let prev = -1;
    for (let j = offsets[i]!, end = offsets[i + 1]!; j < end; j++) {
      const ref = refs[j]!;
      let rc = byId.get(ref);
      if (rc < 0) byId.set(ref, (rc = f.make(-1)));
      // 1B: link in order, never changing an existing link or making a loop
      if (prev >= 0 && f.parent[rc] === -1 && !wouldLoop(f, rc, prev)) f.link(rc, prev);
      prev = rc;
    }
    // 1C: this message's parent is its last reference; an earlier guess is dropped
    f.unlink(c);
    if (prev >= 0 && !wouldLoop(f, c, prev)) f.link(c, prev);
  }
}

/** Step 4: dummies without children go; a dummy's children move up (at the root only when it has one child). */
function prune(f: Forest, roots: number[]): number[] {
  const order = f.preorder(roots);
  // children before parents: a dummy's own dummies are gone when its turn comes
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!;
    for (let c = f.first[n]!; c >= 0; ) {
      const after = f.next[c]!;
      if (f.msg[c] === -1) f.promoteChildren(c);
      c = after;
    }
  }
  const out: number[] = [];
  for (const r of roots) {
    if (f.msg[r] !== -1 || (f.first[r]! >= 0 && f.first[r] !== f.last[r])) out.push(r);
    else if (f.first[r]! >= 0) {
      const only = f.first[r]!;
      f.unlink(only);
      out.push(only);
    }
  }
  return out;
}

/** Step 5: roots with the same base subject are gathered under one. */
function gatherSubjects(f: Forest, roots: number[], t: ThreadInput): number[] {
  const table = new Map<string | number, number>();
  // the subject of a thread: its root's, or a dummy's first child's
  const subj = (n: number): string | number => {
    const m = f.msg[n] !== -1 ? f.msg[n]! : f.first[n]! >= 0 ? f.msg[f.first[n]!]! : -1;
    return m < 0 ? '' : t.subjects[m]!;
  };
  const real = (n: number): boolean => f.msg[n] !== -1;
  const reply = (n: number): boolean => real(n) && t.replies[f.msg[n]!] === 1;
  for (const r of roots) {
    const s = subj(r);
    if (!s) continue;
    const old = table.get(s);
    if (old === undefined || (!real(r) && real(old)) || (real(old) && real(r) && reply(old) && !reply(r))) table.set(s, r);
  }
  const out = new RootList();
  for (const r of roots) {
    // already gathered under another root (or emptied into one)
    if (f.parent[r] !== -1) continue;
    const s = subj(r);
    const head = s ? table.get(s) : undefined;
    if (head === undefined || head === r) {
      out.add(r);
      continue;
    }
    if (!real(head) && !real(r)) f.moveChildren(r, head);
    else if (!real(head)) f.link(r, head);
    else if (!real(r) || (reply(head) && !reply(r))) {
      // r takes the table's place; the message there joins its children
      out.replace(head, r);
      f.link(head, r);
      table.set(s, r);
    } else if (!reply(head) && reply(r)) f.link(r, head);
    else {
      const d = f.make(-1);
      out.replace(head, d);
      f.link(head, d);
      f.link(r, d);
      table.set(s, d);
    }
  }
  return out.list;
}

/** The roots being gathered, each once, in order, with O(1) replacement. */
class RootList {
  readonly list: number[] = [];
  private readonly at = new Map<number, number>();

  add(c: number): void {
    if (this.at.has(c)) return;
    this.at.set(c, this.list.length);
    this.list.push(c);
  }

  replace(was: number, now: number): void {
    const i = this.at.get(was);
    if (i === undefined) return this.add(now);
    this.at.delete(was);
    this.list[i] = now;
    this.at.set(now, i);
  }
}

/** Steps 6–7: siblings (and roots) by sent date, ties in mailbox order; a dummy takes its first child's. */
function sortByDate(f: Forest, roots: number[], t: ThreadInput): void {
  const order = f.preorder(roots);
  const { date, pos } = f;
  const cmp = (a: number, b: number): number => date[a]! - date[b]! || pos[a]! - pos[b]!;
  const kids: number[] = [];
  // children before parents, so a dummy's first child is known when the dummy is keyed
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!;
    if (f.first[n] !== f.last[n]) {
      kids.length = 0;
      for (let c = f.first[n]!; c >= 0; c = f.next[c]!) kids.push(c);
      kids.sort(cmp);
      f.setChildren(n, kids);
    }
    const m = f.msg[n]!;
    if (m !== -1) {
      date[n] = t.dates[m]!;
      pos[n] = m;
    } else {
      const head = f.first[n]!;
      date[n] = head >= 0 ? date[head]! : Infinity;
      pos[n] = head >= 0 ? pos[head]! : Infinity;
    }
  }
  roots.sort(cmp);
}

/** RFC 5256 §3 THREAD=REFERENCES. */
export function threadReferences(t: ThreadInput): Forest {
  const f = new Forest(t.members.length * 2);
  linkReferences(f, t);
  let roots: number[] = [];
  for (let c = 0; c < f.size; c++) if (f.parent[c] === -1) roots.push(c);
  roots = prune(f, roots);
  roots = gatherSubjects(f, roots, t);
  sortByDate(f, roots, t);
  f.roots = roots;
  return f;
}

/**
 * RFC 5256 §3 THREAD=ORDEREDSUBJECT: one thread per base subject, its messages as
 * siblings under the first by sent date (ties in mailbox order), threads by the
 * date of their first message. Members are bucketed by subject in mailbox order, so
 * only each thread is sorted, not the folder.
 */
export function threadOrderedSubject(t: ThreadInput): Forest {
  const d = t.dates;
  const buckets = new Map<string | number, number[]>();
  for (const i of t.members) {
    const b = buckets.get(t.subjects[i]!);
    if (b) b.push(i);
    else buckets.set(t.subjects[i]!, [i]);
  }
  const f = new Forest(t.members.length);
  for (const b of buckets.values()) {
    if (b.length > 1) b.sort((x, y) => d[x]! - d[y]! || x - y);
    const head = f.make(b[0]!);
    f.roots.push(head);
    for (let k = 1; k < b.length; k++) f.link(f.make(b[k]!), head);
  }
  f.roots.sort((a, b) => d[f.msg[a]!]! - d[f.msg[b]!]! || f.msg[a]! - f.msg[b]!);
  return f;
}
