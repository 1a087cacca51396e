/**
 * The names THREAD compares (RFC 5256 §3), interned to integers once per blob at
 * ingest: Message-IDs (the message's own and those it references) and base
 * subjects, in the table `thread_names` (migration 17). THREAD then links and
 * gathers messages by integer, never by string (imap/sort/thread.ts). A name
 * counts the blobs' uses of it and goes with the last blob using it (subjects and
 * Message-IDs of mail that was purged or expunged are not kept).
 *
 * Id 0 is "none" (no Message-ID, an empty base subject) and is never stored.
 * Takes the driver's connection (not db.ts's helpers) so migrations can use it.
 */
import type { Database, Statement } from 'better-sqlite3';
import { connectionOf } from './connection.js';

export interface ThreadRefs {
  messageRef: number;
  subjectRef: number;
  /** The References ids (or the In-Reply-To id) as integers, space-separated. */
  parentRefs: string;
}

export class NameInterner {
  private readonly use: Statement<[string], number>;
  private readonly unuse: Statement<[number]>;
  private readonly drop: Statement<[number]>;

  constructor(db: Database) {
    this.use = db
      .prepare<[string], number>('INSERT INTO thread_names (name, uses) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET uses = uses + 1 RETURNING id')
      .pluck();
    this.unuse = db.prepare<[number]>('UPDATE thread_names SET uses = uses - 1 WHERE id = ?');
    this.drop = db.prepare<[number]>('DELETE FROM thread_names WHERE id = ? AND uses <= 0');
  }

  /** The number of `name` (0 for ''), counting one more use. Runs in the caller's transaction. */
  id(name: string): number {
    return name ? this.use.get(name)! : 0;
  }

  /** The refs of one blob (one use of each name): its Message-ID, base subject key and space-separated parents. */
  refs(messageId: string, subjectKey: string, parents: string): ThreadRefs {
    const list: number[] = [];
    if (parents) for (const p of parents.split(' ')) if (p) list.push(this.id(p));
    return { messageRef: this.id(messageId), subjectRef: this.id(subjectKey), parentRefs: list.join(' ') };
  }

  /** The uses of a freed blob's refs end; names nothing uses any more are deleted. */
  release(refs: ThreadRefs): void {
    const ids = [refs.messageRef, refs.subjectRef, ...refs.parentRefs.split(' ').map(Number)].filter((n) => n > 0);
    for (const id of ids) this.unuse.run(id);
    for (const id of ids) this.drop.run(id);
  }
}

const interners = new WeakMap<Database, NameInterner>();

/** One interner (its statements prepared once) per connection. */
export function internerFor(handle: Database): NameInterner {
  const db = connectionOf(handle);
  let n = interners.get(db);
  if (!n) interners.set(db, (n = new NameInterner(db)));
  return n;
}
