/**
 * Where large IMAP literals wait (RFC 3501 §4.3, RFC 7888; an APPEND message of up
 * to APPENDLIMIT bytes, RFC 7889): not in memory but in a temporary file in the
 * data directory, opened and unlinked at once, so nothing is left behind even after
 * a crash and the space is freed when the file descriptor is closed.
 *
 * Two bounds on what is in flight, checked before the first byte is read (the
 * framer then refuses with `NO [LIMIT]`: no `+` for a synchronizing literal, read
 * and discarded for LITERAL+):
 *   - imap.spoolBytes: all literals being received or waiting, server-wide;
 *   - imap.spoolBytesPerUser: the same for one mailbox (all its connections).
 * A single literal is always admitted when nothing else is in flight in that scope,
 * so a bound below APPENDLIMIT cannot lock a mailbox out.
 *
 * `MemoryGate` bounds the bytes of messages read back into memory at once to be
 * parsed and stored (imap.appendMemoryBytes): an APPEND above the gate waits for
 * its turn, so many finished APPENDs cannot all be held in memory together.
 */
import { closeSync, mkdirSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { LiteralSpool } from './protocol/tokens.js';
import { GpError } from '../shared/errors.js';

export interface SpoolLimits {
  /** Literals whose command holds more than this many bytes are spooled. */
  spoolAbove: number;
  /** Server-wide bytes of spooled literals in flight. */
  maxBytes: number;
  /** Per-mailbox bytes of spooled literals in flight. */
  maxBytesPerUser: number;
}

export class SpoolArea {
  private used = 0;
  private readonly perUser = new Map<number, number>();
  private dirReady = false;

  constructor(
    private readonly dir: string,
    readonly limits: SpoolLimits,
  ) {}

  /** Bytes in flight (for tests and metrics). */
  get bytesInFlight(): number {
    return this.used;
  }

  /**
   * Admit a literal of `size` bytes for `mailboxId`: a spool, or a refusal with its
   * response code. Throws nothing: a file that cannot be created is a temporary refusal.
   */
  open(size: number, mailboxId: number): LiteralSpool | { code: string; text: string } {
    const mine = this.perUser.get(mailboxId) ?? 0;
    if (mine > 0 && mine + size > this.limits.maxBytesPerUser) {
      return {
        code: 'LIMIT',
        text: `This mailbox is already sending ${mine} bytes in other commands; at most ${this.limits.maxBytesPerUser} bytes at once, try again when they are done`,
      };
    }
    if (this.used > 0 && this.used + size > this.limits.maxBytes) {
      return { code: 'LIMIT', text: 'The server is receiving too many large messages at once, try again in a moment' };
    }
    let fd: number;
    try {
      if (!this.dirReady) {
        mkdirSync(this.dir, { recursive: true, mode: 0o700 });
        this.dirReady = true;
      }
      const path = join(this.dir, `literal-${process.pid}-${randomBytes(8).toString('hex')}`);
      fd = openSync(path, 'wx+', 0o600);
      unlinkSync(path);
    } catch {
      return { code: 'UNAVAILABLE', text: 'Cannot take a large message now (temporary storage unavailable), try again later' };
    }
    this.used += size;
    this.perUser.set(mailboxId, mine + size);
    return new FileSpool(fd, size, () => {
      this.used -= size;
      const left = (this.perUser.get(mailboxId) ?? 0) - size;
      if (left > 0) this.perUser.set(mailboxId, left);
      else this.perUser.delete(mailboxId);
    });
  }
}

class FileSpool implements LiteralSpool {
  private written = 0;
  private failure: Error | undefined;
  private released = false;

  constructor(
    private readonly fd: number,
    private readonly size: number,
    private readonly onRelease: () => void,
  ) {}

  write(chunk: Buffer): void {
    if (this.failure || this.released) return;
    try {
      let off = 0;
      while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off, this.written + off);
      this.written += chunk.length;
    } catch (err) {
      this.failure = err as Error;
    }
  }

  read(): Buffer {
    if (this.released) throw new Error('literal spool read after release');
    if (this.failure || this.written !== this.size) {
      throw new GpError('UNAVAILABLE', 'The message could not be kept in temporary storage, try again later', {
        temporary: true,
        kind: 'internal',
        cause: this.failure,
      });
    }
    const buf = Buffer.allocUnsafe(this.size);
    let off = 0;
    while (off < this.size) {
      const n = readSync(this.fd, buf, off, this.size - off, off);
      if (n === 0) throw new GpError('UNAVAILABLE', 'Temporary storage ended early', { temporary: true, kind: 'internal' });
      off += n;
    }
    return buf;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      closeSync(this.fd);
    } catch {
      // already closed: nothing to free
    }
    this.onRelease();
  }
}

/** Bytes held in memory at once by commands that read a whole literal back (APPEND). */
export class MemoryGate {
  private used = 0;
  private readonly waiting: Array<{ n: number; go: () => void }> = [];

  constructor(readonly maxBytes: number) {}

  /** Wait until `n` bytes fit (always at once when nothing is held); call the returned function when done. */
  async acquire(n: number): Promise<() => void> {
    if (this.fits(n) && !this.waiting.length) this.used += n;
    // wakeNext adds n to `used` before it lets this waiter go
    else await new Promise<void>((go) => this.waiting.push({ n, go }));
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.used -= n;
      this.wakeNext();
    };
  }

  private fits(n: number): boolean {
    return this.used === 0 || this.used + n <= this.maxBytes;
  }

  private wakeNext(): void {
    while (this.waiting.length && this.fits(this.waiting[0]!.n)) {
      const w = this.waiting.shift()!;
      this.used += w.n;
      w.go();
    }
  }
}
