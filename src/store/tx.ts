/**
 * Cached transaction wrappers. better-sqlite3's db.transaction(fn) builds four
 * wrapper functions each call (measurable on the delivery path), so store modules
 * wrap a module-level function once per Db and pass their arguments through.
 * Called inside another transaction, the wrapper runs in a SAVEPOINT and rolls back
 * only its own writes when it throws.
 */
import type { Db } from './db.js';
import { connectionOf } from './connection.js';
import { cached } from './db.js';

type Mode = 'immediate' | 'deferred';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => unknown;

const caches = new WeakMap<Db, Map<AnyFn, AnyFn>[]>();

/** `fn` wrapped in a transaction (BEGIN IMMEDIATE by default: writers take the lock up front). */
export function tx<F extends AnyFn>(handle: Db, fn: F, mode: Mode = 'immediate'): F {
  const db = connectionOf(handle);
  let byMode = caches.get(db);
  if (!byMode) caches.set(db, (byMode = [new Map(), new Map()]));
  const m = byMode[mode === 'immediate' ? 0 : 1]!;
  let w = m.get(fn);
  if (!w) {
    const t = db.transaction(fn);
    w = mode === 'immediate' ? t.immediate : t.deferred;
    m.set(fn, w);
  }
  return w as F;
}

/**
 * Run `fn` (a write) with synchronous=NORMAL on this connection: its COMMIT writes the
 * WAL without an fsync of its own, and the write reaches the disk with the next synced
 * commit or checkpoint. Only for writes whose loss at a power failure is harmless
 * (which session saw a message as \Recent). Inside a transaction `fn` just runs.
 */
export function withoutOwnSync<T>(db: Db, fn: () => T): T {
  if (db.inTransaction || db.memory) return fn();
  const level = pragmaValue(db, 'synchronous');
  setPragma(db, 'synchronous', 'NORMAL');
  try {
    return fn();
  } finally {
    setPragma(db, 'synchronous', level);
  }
}

/**
 * A pragma's value, and setting one, through statements prepared once per
 * connection (db.pragma() compiles its SQL on every call; the Writer reads and sets
 * two pragmas around every batch).
 */
export function pragmaValue(db: Db, name: string): number {
  return cached(db, `PRAGMA ${name}`).pluck().get() as number;
}

export function setPragma(db: Db, name: string, value: number | string): void {
  cached(db, `PRAGMA ${name} = ${value}`).run();
}
