/**
 * COMPRESS=DEFLATE (RFC 4978 §4): once the tagged OK of COMPRESS has gone out,
 * both directions of the connection are raw DEFLATE streams (RFC 1951, no zlib
 * or gzip header) inside TLS. Output is flushed with Z_SYNC_FLUSH at the end of
 * each burst of responses (§4: "the server ... MUST flush ... at the end of each
 * response"), so a client never waits on bytes held back in the compressor;
 * input is inflated as it arrives and handed to the framer.
 */
import zlib from 'node:zlib';
import type { Duplex, Writable } from 'node:stream';

export class DeflateLink {
  private readonly deflate: zlib.DeflateRaw;
  private readonly inflate: zlib.InflateRaw;
  /** Bytes the session wrote before compression, and after (uncompressed), for the log and the metrics. */
  plainOut = 0;

  constructor(socket: Duplex, o: { onInput: (chunk: Buffer) => void; onError: (err: Error) => void; level?: number }) {
    // RFC 4978 §4: window up to 32 KiB (windowBits 15) in both directions
    this.deflate = zlib.createDeflateRaw({ level: o.level ?? zlib.constants.Z_DEFAULT_COMPRESSION, windowBits: 15, memLevel: 8 });
    this.inflate = zlib.createInflateRaw({ windowBits: 15 });
    this.deflate.pipe(socket);
    this.inflate.on('data', o.onInput);
    this.inflate.on('error', o.onError);
    this.deflate.on('error', o.onError);
  }

  /** Compressed bytes from the client. */
  input(chunk: Buffer): void {
    this.inflate.write(chunk);
  }

  /** Plain response bytes; false when the compressor asks to wait for 'drain'. */
  write(data: string | Buffer): boolean {
    this.plainOut += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    return this.deflate.write(data);
  }

  /** End of a burst of responses: everything written so far reaches the client. */
  flush(): void {
    this.deflate.flush(zlib.constants.Z_SYNC_FLUSH);
  }

  /** What to wait on for 'drain'. */
  get output(): Writable {
    return this.deflate;
  }

  /** Finish the stream; the socket ends after the last compressed bytes. */
  end(): void {
    this.deflate.end();
    this.inflate.end();
  }
}
