/**
 * Parsing off the event loop. A message's parse, full-text stems and hash
 * (./prepare.ts) are pure work on its bytes, a third of the event loop's time on
 * the SMTP DATA path and part of every APPEND; a few threads do it while the event
 * loop serves sessions, and the store (one SQLite connection, one page cache) stays
 * where it is. The bytes are copied to the thread; the result comes back by
 * structured clone.
 *
 * A process without the compiled thread module (tests running the TypeScript
 * sources before a build) or with one core prepares on the event loop, as does a
 * request whose thread failed: the result is the same.
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { availableParallelism } from 'node:os';
import { prepareMessage, rememberSha256, type PreparedMessage } from './prepare.js';

interface Waiting {
  resolve: (p: PreparedMessage) => void;
  raw: Buffer;
}

/** The compiled thread module: beside this one, or in dist/ when this runs from the sources. */
function threadModule(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  const file = here.endsWith('.ts') ? here.replace(/\/src\/mime\/parse-pool\.ts$/, '/dist/src/mime/parse-thread.js') : join(dirname(here), 'parse-thread.js');
  return file.endsWith('.js') && existsSync(file) ? file : undefined;
}

class ParsePool {
  private readonly threads: Worker[] = [];
  private readonly waiting = new Map<number, Waiting>();
  /** Requests each thread has in hand: a thread holds the process open only while it has some. */
  private readonly busy: number[] = [];
  private next = 0;
  private seq = 0;

  constructor(size: number, file: string) {
    for (let i = 0; i < size; i++) this.threads.push(this.start(file, i));
  }

  private start(file: string, i: number): Worker {
    this.busy[i] = 0;
    const w = new Worker(file);
    w.on('message', (m: { id: number; prepared?: PreparedMessage; error?: string }) => {
      const job = this.waiting.get(m.id);
      if (!job) return;
      this.waiting.delete(m.id);
      if (--this.busy[i]! === 0) w.unref();
      // A message the thread could not prepare is prepared here: the same code, and its error if it has one.
      job.resolve(m.prepared ?? prepareMessage(job.raw));
    });
    w.on('error', () => this.failAll());
    w.unref(); // after the listeners (one added later would hold the process open); ref'd while busy
    return w;
  }

  /** A thread died: what it had is prepared here. */
  private failAll(): void {
    const jobs = [...this.waiting.values()];
    this.waiting.clear();
    this.threads.length = 0;
    for (const j of jobs) j.resolve(prepareMessage(j.raw));
  }

  get size(): number {
    return this.threads.length;
  }

  submit(raw: Buffer): Promise<PreparedMessage> {
    if (!this.threads.length) return Promise.resolve(prepareMessage(raw));
    const id = ++this.seq;
    const i = this.next++ % this.threads.length;
    const t = this.threads[i]!;
    if (this.busy[i]!++ === 0) t.ref();
    return new Promise((resolve) => {
      this.waiting.set(id, { resolve, raw });
      t.postMessage({ id, raw });
    });
  }
}

let pool: ParsePool | null | undefined;

/** Threads: one fewer than the cores (at least one), none on one core. */
function poolOf(): ParsePool | null {
  if (pool !== undefined) return pool;
  const file = threadModule();
  const size = Math.max(1, availableParallelism() - 1);
  pool = file && availableParallelism() > 1 ? new ParsePool(size, file) : null;
  return pool;
}

/** How many parse threads this process runs (0: messages are prepared on the event loop). */
export function parseThreads(): number {
  return poolOf()?.size ?? 0;
}

/** prepareMessage (./prepare.ts) on a parse thread (on the event loop when there is none); the hash is remembered for the store. */
export async function prepareOffLoop(raw: Buffer): Promise<PreparedMessage> {
  const p = poolOf();
  const prepared = p ? await p.submit(raw) : prepareMessage(raw);
  rememberSha256(raw, prepared.sha256);
  return prepared;
}
