/**
 * A session's output: responses coalesced into few TLS records, backpressure from
 * the socket, literals streamed chunk by chunk (RFC 3501 §4.3), and the `+` for a
 * client's synchronizing literal (§7.5) held back while a literal of ours is half
 * written.
 */
import type { TLSSocket } from 'node:tls';
import type { Readable } from 'node:stream';
import type { Logger } from '../shared/logger.js';
import type { DeflateLink } from './compress.js';

/** Buffered output is handed to the socket at once above this many bytes (chars). */
const OUT_FLUSH_BYTES = 64 * 1024;
const LITERAL_GO_AHEAD = '+ Ready for literal data\r\n';

export class SessionOutput {
  private out: Array<string | Buffer> = [];
  private outBytes = 0;
  private outScheduled = false;
  /** A literal of ours is being written: nothing else may go between its bytes. */
  private literalOpen = false;
  private pendingGoAheads = 0;
  /** COMPRESS=DEFLATE (RFC 4978): output goes through the compressor, flushed per burst. */
  private link: DeflateLink | undefined;

  constructor(
    private readonly socket: TLSSocket,
    private readonly log: () => Logger,
    /** The session is closed (nothing more is written). */
    private readonly closed: () => boolean,
    /** Cut the connection: a literal cannot be finished. */
    private readonly cut: () => void,
  ) {}

  /**
   * Small writes collect in a buffer flushed on the next turn of the event loop or
   * once OUT_FLUSH_BYTES have gathered (one TLS record per batch, not per response
   * line); a write resolves at once unless a flush found the socket full, then after 'drain'.
   */
  async write(data: string | Buffer): Promise<void> {
    if (this.closed() || this.socket.destroyed || !this.socket.writable) return;
    this.out.push(data);
    this.outBytes += data.length;
    if (this.outBytes >= OUT_FLUSH_BYTES) {
      if (!this.flush()) await this.waitDrain();
      return;
    }
    if (!this.outScheduled) {
      this.outScheduled = true;
      setImmediate(() => {
        this.outScheduled = false;
        this.flush();
      });
    }
  }

  /** From now on every byte goes through `link` (what was buffered goes out plain first). */
  compressWith(link: DeflateLink): void {
    this.flush();
    this.link = link;
  }

  get compressed(): boolean {
    return this.link !== undefined;
  }

  /** The end of the connection: the compressed stream is finished before the socket. */
  end(): void {
    this.flush();
    if (this.link) this.link.end();
    else this.socket.end();
  }

  /** Hand buffered output to the socket; false when the socket asks to wait for 'drain'. */
  flush(): boolean {
    if (!this.out.length || this.socket.destroyed) return true;
    const parts = this.out;
    this.out = [];
    this.outBytes = 0;
    let ok = true;
    let text = '';
    const link = this.link;
    const put = (d: string | Buffer): boolean => (link ? link.write(d) : this.socket.write(d));
    // Corked, the pieces reach TLS as one write: one SSL_write and one syscall for the batch.
    if (!link && parts.length > 1) this.socket.cork();
    for (const p of parts) {
      if (typeof p === 'string') text += p;
      else {
        if (text) ok = put(text) && ok;
        text = '';
        ok = put(p) && ok;
      }
    }
    if (text) ok = put(text) && ok;
    if (!link && parts.length > 1) this.socket.uncork();
    // RFC 4978 §4: every burst of responses is flushed out of the compressor
    link?.flush();
    return ok;
  }

  private waitDrain(): Promise<void> {
    const out = this.link ? this.link.output : this.socket;
    return new Promise((resolve) => {
      const done = () => {
        out.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      out.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /** `+ Ready` for the client's synchronizing literal; never in the middle of a literal of ours. */
  async literalGoAhead(): Promise<void> {
    if (this.literalOpen) {
      this.pendingGoAheads++;
      return;
    }
    await this.write(LITERAL_GO_AHEAD);
  }

  async writeLiteral(prefix: string, size: number, body: Buffer | Buffer[] | Readable | AsyncIterable<Buffer>, suffix: string): Promise<void> {
    this.literalOpen = true;
    try {
      await this.write(`${prefix}{${size}}\r\n`);
      let sent = 0;
      const chunks: Iterable<Buffer> | AsyncIterable<Buffer> = Buffer.isBuffer(body) ? [body] : body;
      try {
        for await (const c of chunks as AsyncIterable<Buffer>) {
          if (this.closed()) return;
          const b = sent + c.length > size ? c.subarray(0, size - sent) : c;
          sent += b.length;
          await this.write(b);
          if (sent >= size) break;
        }
      } catch (err) {
        // The literal is half sent: nothing can be said to the client any more. Cut the
        // connection rather than hand it corrupt data.
        this.log().error({ err, size, sent }, 'literal source failed; closing the connection');
        this.cut();
        throw err;
      }
      if (sent < size) {
        this.log().error({ size, sent }, 'literal source shorter than announced; closing the connection');
        this.cut();
        return;
      }
      await this.write(suffix);
    } finally {
      this.literalOpen = false;
      while (this.pendingGoAheads > 0) {
        this.pendingGoAheads--;
        await this.write(LITERAL_GO_AHEAD);
      }
    }
  }
}
