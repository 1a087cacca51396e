/**
 * Durability of the Writer's group commits without blocking the event loop.
 *
 * With `synchronous = FULL` SQLite fsyncs the WAL inside COMMIT, and better-sqlite3
 * runs COMMIT on the JavaScript thread: every session of the process waits for the
 * disk. The Writer instead commits its batches with `synchronous = NORMAL` (the WAL
 * pages are written, not synced; SQLite still syncs at every checkpoint, so the file
 * stays consistent after a crash) and then calls `sync()`, which fsyncs the WAL on
 * libuv's thread pool. Only when that resolves does the Writer publish the batch's
 * changes and answer its requests (SMTP 250, IMAP OK): nothing is acknowledged
 * before it is on disk, as before.
 *
 * Syncs are coalesced: a sync asked for while one is in flight waits for it and then
 * runs once for everyone who asked meanwhile (fsync covers every write to the file
 * made before it started). Writes made outside the Writer keep `synchronous = FULL`.
 */
import { open } from 'node:fs/promises';

export class WalSync {
  private inFlight: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(private readonly walPath: string) {}

  /** Resolves when every write made to the WAL before this call is on disk. */
  sync(): Promise<void> {
    if (this.next) return this.next;
    if (this.inFlight) {
      const after = this.inFlight.catch(() => undefined);
      this.next = after.then(() => {
        this.next = null;
        return this.start();
      });
      return this.next;
    }
    return this.start();
  }

  private start(): Promise<void> {
    const p: Promise<void> = fsyncFile(this.walPath).finally(() => {
      if (this.inFlight === p) this.inFlight = null;
    });
    this.inFlight = p;
    return p;
  }
}

async function fsyncFile(path: string): Promise<void> {
  // fsync(2) flushes the file (the inode), whichever descriptor asks; SQLite keeps
  // the WAL file in place while its connection is open.
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
