/**
 * The names THREAD compares (RFC 5256 §3), interned to integers once per blob at
 * ingest: Message-IDs (the message's own and those it references) and base
 * subjects, in the table `thread_names` (migration 17). THREAD then links and
 * gathers messages by integer, never by string (imap/sort/thread.ts). A name keeps
 * its number for good (like fts_terms, rows are not removed when mail goes): an id
 * is a few bytes, and a name that comes back gets the same number.
 *
 * Id 0 is "none" (no Message-ID, an empty base subject) and is never stored.
 * Takes the driver's connection (not db.ts's helpers) so migrations can use it.
 */
import type { Database, Statement } from 'better-sqlite3';

export interface ThreadRefs {
  messageRef: number;
  subjectRef: number;
  /** The References ids (or the In-Reply-To id) as integers, space-separated. */
  parentRefs: string;
}

export class NameInterner {
  private readonly find: Statement<[string], number>;
  private readonly add: Statement<[string]>;

  constructor(db: Database) {
    this.find = db.prepare<[string], number>('SELECT id FROM thread_names WHERE name = ?').pluck();
    this.add = db.prepare<[string]>('INSERT INTO thread_names (name) VALUES (?)');
  }

  /** The number of `name` (0 for ''), added when new. Runs in the caller's transaction. */
  id(name: string): number {
    if (!name) return 0;
    return this.find.get(name) ?? Number(this.add.run(name).lastInsertRowid);
  }

  /** The refs of one blob: its Message-ID, base subject key and space-separated parents. */
  refs(messageId: string, subjectKey: string, parents: string): ThreadRefs {
    const list: number[] = [];
    if (parents) for (const p of parents.split(' ')) if (p) list.push(this.id(p));
    return { messageRef: this.id(messageId), subjectRef: this.id(subjectKey), parentRefs: list.join(' ') };
  }
}

const interners = new WeakMap<Database, NameInterner>();

/** One interner (its statements prepared once) per connection. */
export function internerFor(db: Database): NameInterner {
  let n = interners.get(db);
  if (!n) interners.set(db, (n = new NameInterner(db)));
  return n;
}
