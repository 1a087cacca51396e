/**
 * A database handle whose connection can be replaced while every module keeps the
 * handle it was given: the online key rotation (store/rotate-online.ts) closes the
 * connections, swaps the re-keyed file in and reopens them, and IMAP sessions, SMTP
 * transactions, the writer and the scheduler go on with the same `db`.
 *
 * `handle.db` is a Proxy that reads every property through the current connection
 * (methods bound to it). Caches of prepared statements key by `connectionOf(db)`
 * (store/connection.ts), so after a swap they prepare afresh on the new connection.
 *
 * Parked (`park`), the handle has no connection. The first use of it while parked
 * first waits (`barrier`, synchronous: better-sqlite3 calls are) for the rotation
 * to end, then reopens with whatever key the key file holds then — the new key
 * after a swap, the old one after a rotation that failed before it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db.js';
import { REAL_CONNECTION } from './connection.js';
import { GpError } from '../shared/errors.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => unknown;

export class SwappableDb {
  readonly db: Db;
  private current: Db | null;
  private bound = new Map<PropertyKey, AnyFn>();
  private barrier: (() => void) | null = null;

  /** `open` opens a new connection (with the key the key file holds at that moment). */
  constructor(
    first: Db,
    private readonly open: () => Db,
  ) {
    this.current = first;
    const self = this;
    this.db = new Proxy(Object.create(Object.getPrototypeOf(first) as object) as Db, {
      get(_t, prop) {
        if (prop === REAL_CONNECTION) return self.connection;
        const real = self.connection;
        const v = (real as unknown as Record<PropertyKey, unknown>)[prop];
        if (typeof v !== 'function') return v;
        let f = self.bound.get(prop);
        if (!f) self.bound.set(prop, (f = (v as AnyFn).bind(real)));
        return f;
      },
      set(_t, prop, value) {
        (self.connection as unknown as Record<PropertyKey, unknown>)[prop] = value;
        return true;
      },
      has: (_t, prop) => prop in self.connection,
    });
  }

  /** The connection now; while parked, the barrier is awaited and a new one opened. */
  get connection(): Db {
    if (this.current) return this.current;
    this.barrier?.();
    this.barrier = null;
    this.current = this.open();
    this.bound.clear();
    return this.current;
  }

  get parked(): boolean {
    return this.current === null;
  }

  /** Close the connection; the next use waits on `barrier` (when given) and reopens. */
  park(barrier?: () => void): void {
    const c = this.current;
    this.current = null;
    this.bound.clear();
    this.barrier = barrier ?? null;
    c?.close();
  }

  /** Reopen now when parked (the rotation ended). */
  resume(): void {
    if (this.current === null) void this.connection;
  }
}

/**
 * A barrier on a file: returns once `file` is gone (the rotation's marker, removed
 * when it ends either way). Blocks the thread — the process holds no connection
 * and its next store call cannot go on before this anyway. Gives up with an error
 * when `alive()` says the rotating process is gone or after `timeoutMs`.
 */
export function fileBarrier(file: string, o: { alive: () => boolean; timeoutMs: number }): () => void {
  return () => {
    const cell = new Int32Array(new SharedArrayBuffer(4));
    const until = Date.now() + o.timeoutMs;
    while (existsSync(file)) {
      if (!o.alive() || Date.now() > until) {
        throw new GpError('ROTATION_STUCK', `the key rotation did not end (${file} is still there); the store is unavailable`, { kind: 'internal', temporary: true });
      }
      Atomics.wait(cell, 0, 0, 2);
    }
  };
}

/** The marker of a key rotation under way in the server of a data directory; it holds the rotating process's pid. */
export const ROTATION_MARKER = 'rotation.lock';

export function rotationMarker(dataDir: string): string {
  return join(dataDir, ROTATION_MARKER);
}

function markerPidAlive(file: string): boolean {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (!Number.isSafeInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A connection opened from outside the server (the CLI) while a rotation runs
 * would write to the file about to be replaced: wait until it ends. A marker left
 * by a process that is gone is no rotation.
 */
export function waitForRotation(dataDir: string, timeoutMs: number): void {
  const file = rotationMarker(dataDir);
  if (existsSync(file) && markerPidAlive(file)) fileBarrier(file, { alive: () => markerPidAlive(file), timeoutMs })();
}
