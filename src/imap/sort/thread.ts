/**
 * THREAD algorithms of RFC 5256 §3: ORDEREDSUBJECT (by base subject, then date)
 * and REFERENCES (the Message-ID / References links, dummies pruned, roots gathered
 * by base subject, siblings ordered by sent date), and the `* THREAD` encoding of
 * RFC 5256 §4. Messages are given by index into parallel columns (store/sort.ts
 * `threadColumns`), already in mailbox order, so ties fall back to mailbox order.
 * Deep reply chains are walked without recursion. Pure.
 */

export interface ThreadInput {
  /** Sent date (Date:, else internal date), ms. */
  dates: readonly number[];
  /** RFC 5256 §2.1 base subject, folded. */
  subjects: readonly string[];
  /** 1 when the subject carried a reply/forward marker. */
  replies: readonly number[];
  /** `<id>` or ''. */
  messageIds: readonly string[];
  /** References ids (or the In-Reply-To id), space-separated. */
  parents: readonly string[];
  /** Indexes of the messages to thread (the search result), ascending. */
  members: readonly number[];
}

/** A thread node: a message index, or -1 for a dummy that holds siblings together. */
export interface ThreadNode {
  msg: number;
  children: ThreadNode[];
}

interface Container extends ThreadNode {
  parent: Container | null;
  children: Container[];
  /** Sort key of steps 6–7: the sent date and mailbox position (of the first child for a dummy). */
  date: number;
  pos: number;
}

function node(msg: number): Container {
  return { msg, parent: null, children: [], date: 0, pos: 0 };
}

/** Linking `child` under `parent` would make a loop: `parent` is `child` or below it. */
function wouldLoop(child: Container, parent: Container): boolean {
  // a container without children has nothing below it: no walk up a long chain
  if (child.children.length === 0) return child === parent;
  for (let p: Container | null = parent; p; p = p.parent) if (p === child) return true;
  return false;
}

function link(child: Container, parent: Container): void {
  child.parent = parent;
  parent.children.push(child);
}

function unlink(c: Container): void {
  const p = c.parent;
  if (!p) return;
  const i = p.children.indexOf(c);
  if (i >= 0) p.children.splice(i, 1);
  c.parent = null;
}

/**
 * The parents column split into ids, kept per column array: the same strings come
 * back on every THREAD of a folder whose keys are cached, so their hashes are
 * computed once. A column that grew (new messages) is split further.
 */
const splitCache = new WeakMap<readonly string[], string[][]>();

function parentLists(parents: readonly string[]): string[][] {
  let lists = splitCache.get(parents);
  if (!lists) splitCache.set(parents, (lists = []));
  for (let i = lists.length; i < parents.length; i++) lists.push(parents[i] ? parents[i]!.split(' ') : []);
  return lists;
}

/** REFERENCES step 1: containers for every message and every id it references. */
function linkReferences(t: ThreadInput): Container[] {
  const lists = parentLists(t.parents);
  const byId = new Map<string, Container>();
  const all: Container[] = [];
  const make = (msg: number): Container => {
    const c = node(msg);
    all.push(c);
    return c;
  };
  for (const i of t.members) {
    const id = t.messageIds[i]!;
    let c = id ? byId.get(id) : undefined;
    if (c && c.msg === -1) c.msg = i;
    else {
      // no Message-ID, or a duplicate one: a unique container of its own (§3 step 1A)
      c = make(i);
      if (id && !byId.has(id)) byId.set(id, c);
    }
    let prev: Container | undefined;
    for (const ref of lists[i]!) {
      if (!ref) continue;
      let rc = byId.get(ref);
      if (!rc) byId.set(ref, (rc = make(-1)));
      // 1B: link in order, never changing an existing link or making a loop
      if (prev && rc.parent === null && !wouldLoop(rc, prev)) link(rc, prev);
      prev = rc;
    }
    // 1C: this message's parent is its last reference; an earlier guess is dropped
    unlink(c);
    if (prev && !wouldLoop(c, prev)) link(c, prev);
  }
  return all;
}

/** Step 4: dummies without children go; a dummy's children move up (at the root only when it has one child). */
function prune(roots: Container[]): Container[] {
  // children before parents (reverse of a depth-first order), without recursion
  const order: Container[] = [];
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop()!;
    order.push(n);
    for (const ch of n.children) stack.push(ch);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!;
    if (n.children.every((ch) => ch.msg !== -1)) continue;
    const kept: Container[] = [];
    for (const ch of n.children) {
      if (ch.msg !== -1) kept.push(ch);
      else
        for (const g of ch.children) {
          g.parent = n;
          kept.push(g);
        }
    }
    n.children = kept;
  }
  const out: Container[] = [];
  for (const r of roots) {
    if (r.msg !== -1 || r.children.length > 1) out.push(r);
    else if (r.children.length === 1) {
      const only = r.children[0]!;
      only.parent = null;
      out.push(only);
    }
  }
  return out;
}

/** The message whose subject names a thread: the root, or a dummy's first child. */
function subjectMsg(n: Container): number {
  return n.msg !== -1 ? n.msg : (n.children[0]?.msg ?? -1);
}

/** Step 5: roots with the same base subject are gathered under one. */
function gatherSubjects(roots: Container[], t: ThreadInput): Container[] {
  const table = new Map<string, Container>();
  const subj = (n: Container): string => {
    const m = subjectMsg(n);
    return m < 0 ? '' : t.subjects[m]!;
  };
  const reply = (n: Container): boolean => n.msg !== -1 && t.replies[n.msg] === 1;
  for (const r of roots) {
    const s = subj(r);
    if (!s) continue;
    const old = table.get(s);
    if (!old || (r.msg === -1 && old.msg !== -1) || (old.msg !== -1 && r.msg !== -1 && reply(old) && !reply(r))) table.set(s, r);
  }
  const out = new RootList();
  for (const r of roots) {
    // already gathered under another root (or emptied into one)
    if (r.parent !== null) continue;
    const s = subj(r);
    const head = s ? table.get(s) : undefined;
    if (!head || head === r) {
      out.add(r);
      continue;
    }
    if (head.msg === -1 && r.msg === -1) {
      for (const ch of r.children) link(ch, head);
      r.children = [];
    } else if (head.msg === -1) link(r, head);
    else if (r.msg === -1) {
      // the dummy takes the table's place; the real message joins its children
      out.replace(head, r);
      link(head, r);
      table.set(s, r);
    } else if (!reply(head) && reply(r)) link(r, head);
    else if (reply(head) && !reply(r)) {
      out.replace(head, r);
      link(head, r);
      table.set(s, r);
    } else {
      const d = node(-1);
      out.replace(head, d);
      link(head, d);
      link(r, d);
      table.set(s, d);
    }
  }
  return out.list;
}

/** The roots being gathered, each once, in order, with O(1) replacement. */
class RootList {
  readonly list: Container[] = [];
  private readonly at = new Map<Container, number>();

  add(c: Container): void {
    if (this.at.has(c)) return;
    this.at.set(c, this.list.length);
    this.list.push(c);
  }

  replace(was: Container, now: Container): void {
    const i = this.at.get(was);
    if (i === undefined) return this.add(now);
    this.at.delete(was);
    this.list[i] = now;
    this.at.set(now, i);
  }
}

/** Steps 6–7: siblings (and roots) by sent date, ties in mailbox order; a dummy takes its first child's. */
function sortByDate(roots: Container[], t: ThreadInput): void {
  const order: Container[] = [];
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop()!;
    order.push(n);
    for (const ch of n.children) stack.push(ch);
  }
  const cmp = (a: Container, b: Container): number => a.date - b.date || a.pos - b.pos;
  // children before parents, so a dummy's first child is known when the dummy is keyed
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!;
    if (n.children.length > 1) n.children.sort(cmp);
    if (n.msg !== -1) {
      n.date = t.dates[n.msg]!;
      n.pos = n.msg;
    } else {
      const head = n.children[0];
      n.date = head ? head.date : Infinity;
      n.pos = head ? head.pos : Infinity;
    }
  }
  roots.sort(cmp);
}

/** RFC 5256 §3 THREAD=REFERENCES. */
export function threadReferences(t: ThreadInput): ThreadNode[] {
  const all = linkReferences(t);
  let roots = all.filter((c) => c.parent === null);
  roots = prune(roots);
  roots = gatherSubjects(roots, t);
  sortByDate(roots, t);
  return roots;
}

/** RFC 5256 §3 THREAD=ORDEREDSUBJECT: one thread per base subject, its messages as siblings under the first. */
export function threadOrderedSubject(t: ThreadInput): ThreadNode[] {
  const sorted = [...t.members].sort((a, b) => (t.subjects[a]! < t.subjects[b]! ? -1 : t.subjects[a]! > t.subjects[b]! ? 1 : 0) || t.dates[a]! - t.dates[b]! || a - b);
  const roots: ThreadNode[] = [];
  let head: ThreadNode | undefined;
  for (const i of sorted) {
    if (head && t.subjects[head.msg] === t.subjects[i]) head.children.push({ msg: i, children: [] });
    else roots.push((head = { msg: i, children: [] }));
  }
  roots.sort((a, b) => t.dates[a.msg]! - t.dates[b.msg]! || a.msg - b.msg);
  return roots;
}

/**
 * `(3 6 (4 23)(44 7 96))` per RFC 5256 §4: a node and its only child in one list,
 * several children each in parentheses; a dummy shows only its children.
 * `number` maps a message index to its sequence number or uid.
 */
export function encodeThreads(roots: readonly ThreadNode[], number: (msg: number) => number): string {
  const out: string[] = [];
  // an explicit stack of what is still to write: a node, or a closing parenthesis
  const todo: Array<ThreadNode | ')'> = [];
  for (let r = roots.length - 1; r >= 0; r--) todo.push(')', roots[r]!);
  while (todo.length) {
    const n = todo.pop()!;
    if (n === ')') {
      out.push(')');
      continue;
    }
    out.push('(');
    // a chain of only children is written flat
    let m = n;
    let sep = '';
    while (m.msg !== -1 && m.children.length === 1) {
      out.push(sep + number(m.msg));
      sep = ' ';
      m = m.children[0]!;
    }
    if (m.msg !== -1) {
      out.push(sep + number(m.msg));
      sep = ' ';
    }
    if (m.children.length) {
      out.push(sep);
      for (let c = m.children.length - 1; c >= 0; c--) todo.push(')', m.children[c]!);
    }
  }
  return out.join('');
}
