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
import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';

export class WalSync {
  private inFlight: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  /** The WAL file kept open (one thread-pool job per sync, not three), and which file it is. */
  private fd: number | null = null;
  private ino = 0;
  private dev = 0;

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

  /** The descriptor is closed (after the last sync: the Writer has drained). */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private start(): Promise<void> {
    let fd: number;
    try {
      fd = this.descriptor();
    } catch (e) {
      return Promise.reject(e);
    }
    // fdatasync(2), as SQLite syncs its WAL: the data and the file's size, not its times.
    const p: Promise<void> = new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve()))).finally(() => {
      if (this.inFlight === p) this.inFlight = null;
    });
    this.inFlight = p;
    return p;
  }

  /**
   * A descriptor of the file now at the WAL's path, reopened when another file is
   * there (a key rotation swaps the database; SQLite keeps its WAL file in place
   * while its connection is open). No sync is in flight when this runs.
   */
  private descriptor(): number {
    const st = statSync(this.walPath);
    if (this.fd !== null && st.ino === this.ino && st.dev === this.dev) return this.fd;
    this.close();
    const fd = openSync(this.walPath, 'r');
    const opened = fstatSync(fd);
    this.fd = fd;
    this.ino = opened.ino;
    this.dev = opened.dev;
    return fd;
  }
}
