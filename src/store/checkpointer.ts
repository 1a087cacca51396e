/**
 * WAL checkpoints off the event loop. SQLite checkpoints inside the COMMIT that
 * crosses `wal_autocheckpoint` pages: that connection copies the WAL into the
 * database file and syncs both, on the JavaScript thread, so every session of the
 * process waits (with 1 MB messages, a checkpoint every fourth delivery). The
 * server's own connections therefore checkpoint only far later (`lateAutoCheckpoint`:
 * at 64 MB of WAL, a safety net should this thread stop), and this thread, with a
 * connection of its own, runs a PASSIVE checkpoint every `everyMs`: it never waits
 * for a reader or the writer, and copies what it can.
 *
 * One per server: the single process, or a cluster's primary. An online key
 * rotation parks it (its connection closed before the file is swapped: a
 * connection left on the old file could delete the new WAL when it closes) and
 * resumes it with the new key. The thread is given the pragmas that key its
 * connection; they never leave this process.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import type { Db } from './db.js';
import { findKey, keyPragmas, pageFormat, type KeyOptions } from './key.js';
import { GpError } from '../shared/errors.js';

/** The thread: opens on `open`, checkpoints on a timer, closes on `park`/`stop`, answers each with `done`. */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db = null;
let timer = null;
function close() {
  clearInterval(timer);
  timer = null;
  if (db) db.close();
  db = null;
}
parentPort.on('message', (m) => {
  try {
    close();
    if (m.op === 'open') {
      db = new Database(workerData.file, { fileMustExist: true });
      for (const p of m.pragmas) db.pragma(p);
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = FULL');
      timer = setInterval(() => {
        try {
          db.pragma('wal_checkpoint(PASSIVE)');
        } catch (e) {
          parentPort.postMessage({ op: 'error', message: String(e && e.message) });
        }
      }, workerData.everyMs);
    }
    parentPort.postMessage({ op: 'done', of: m.op });
  } catch (e) {
    parentPort.postMessage({ op: 'done', of: m.op, error: String(e && e.message) });
  }
  if (m.op === 'stop') parentPort.close();
});
`;

export interface Checkpointer {
  /** Close the thread's connection (an online key rotation is about to swap the file). */
  park(): Promise<void>;
  /** Reopen it with the key the data directory has now. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** WAL pages (4 KiB) after which a server connection still checkpoints at commit itself. */
const LATE_AUTO_CHECKPOINT_PAGES = 16_384;

/** A server connection leaves checkpoints to the Checkpointer, up to 64 MB of WAL. */
export function lateAutoCheckpoint(db: Db): Db {
  db.pragma(`wal_autocheckpoint = ${LATE_AUTO_CHECKPOINT_PAGES}`);
  return db;
}

export function startCheckpointer(o: { db: Db; dataDir: string; key: KeyOptions; log: Logger; everyMs?: number }): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(THREAD, { eval: true, workerData: { driver, file: o.db.name, everyMs: o.everyMs ?? 200 } });
  let warned = false;
  const waiting: Array<(m: { error?: string }) => void> = [];
  worker.on('message', (m: { op: string; error?: string; message?: string }) => {
    if (m.op === 'done') {
      waiting.shift()?.(m);
      if (!waiting.length) worker.unref();
    } else if (m.op === 'error' && !warned) {
      warned = true;
      o.log.warn({ error: m.message }, 'WAL checkpoint failed; retrying on the next tick');
    }
  });
  worker.on('error', (e) => o.log.error({ err: e }, 'checkpoint thread failed'));
  worker.unref(); // after the listeners (one added later would hold the process open); ref'd while an answer is awaited
  const ask = (m: { op: string; pragmas?: string[] }): Promise<void> =>
    new Promise((resolve, reject) => {
      waiting.push((r) => (r.error ? reject(new GpError('CHECKPOINTER_FAILED', `checkpoint thread: ${r.error}`, { kind: 'internal' })) : resolve()));
      worker.ref(); // an answer awaited holds the process open (a shutdown awaits the last one)
      worker.postMessage(m);
    });
  const open = () => {
    const key = findKey(o.dataDir, o.key);
    if (!key) return Promise.reject(new GpError('KEY_MISSING', 'checkpoint thread: no key for the database', { kind: 'internal' }));
    return ask({ op: 'open', pragmas: keyPragmas(key, pageFormat(o.db)) });
  };
  const opened = open();
  opened.catch((e: unknown) => o.log.error({ err: e }, 'checkpoint thread did not open the database; connections checkpoint at commit past 64 MB of WAL'));
  let stopped: Promise<void> | null = null;
  return {
    park: () => opened.then(() => ask({ op: 'park' })),
    resume: () => open(),
    stop() {
      stopped ??= opened
        .catch(() => undefined)
        .then(() => ask({ op: 'stop' }))
        .then(() => {
          worker.ref(); // until it has exited
          return worker.terminate();
        })
        .then(() => undefined);
      return stopped;
    },
  };
}
