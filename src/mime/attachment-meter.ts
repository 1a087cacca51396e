/**
 * Streaming attachment meter: the decoded size of a message's attachments, counted
 * while its bytes arrive (SMTP DATA, IMAP APPEND literal), so a message over the
 * limit can be refused as soon as it crosses it (the service's 25 MiB rule).
 *
 * Walks the MIME structure (RFC 2045 headers, RFC 2046 §5.1.1 boundary delimiters,
 * §5.2.1 message/rfc822) with bounded state: the current line head (at most the
 * longest delimiter line), the interesting header fields of the current entity
 * (Content-Type, Content-Disposition, Content-Transfer-Encoding; at most
 * HEADER_BYTES_CAP), the stack of open boundaries, and one size counter. It follows
 * exactly the rules of ./parse.ts (same classification, same delimiter syntax, the
 * line break before a delimiter not part of the body, missing close delimiters),
 * so its final total equals parseMessage(raw).attachmentBytes — including the
 * MAX_DEPTH and MAX_PARTS limits (past MAX_PARTS entities the whole top-level
 * body counts). A message/rfc822 attachment is counted whole without looking
 * inside.
 *
 *   const meter = new AttachmentMeter();
 *   meter.feed(chunk); if (meter.attachmentBytes > limit) refuse();
 *   const total = meter.end();
 */
import { Writable } from 'node:stream';
import { classify, isAttachment, MAX_DEPTH, MAX_PARTS } from './classify.js';
import { sizeCounter, type SizeCounter } from './decode.js';
import { parseHeaderFields } from './header.js';
import { delimiterAt, MAX_BOUNDARY_PADDING } from './parse.js';

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
const NL_DASH = Buffer.from('\n-', 'latin1');
/** Most bytes of Content-* header fields kept for one entity. */
export const HEADER_BYTES_CAP = 64 * 1024;
const INTERESTING = /^(content-type|content-disposition|content-transfer-encoding)[ \t]*:/i;
const EMPTY = Buffer.alloc(0);
const CRLF = Buffer.from('\r\n');
const LFB = Buffer.from('\n');

interface Frame {
  dash: Buffer;
  subtype: string;
  /** Depth of the multipart entity. */
  depth: number;
}

export class AttachmentMeter {
  private frames: Frame[] = [];
  private mode: 'header' | 'body' = 'header';
  /** Entity being read (header mode): its depth and its parent multipart's subtype. */
  private depth = 0;
  private parentSubtype: string | null = null;
  /** Interesting header lines of the current entity. */
  private headerParts: Buffer[] = [];
  private headerLen = 0;
  private fieldKept = false;
  /** Head of the current line, when it spans chunks. */
  private head: Buffer[] = [];
  private headLen = 0;
  /** Body mode: the rest of a line too long to be a delimiter is streamed. */
  private longLine = false;
  /** Header mode: the rest of an over-long header line is dropped. */
  private skipLine = false;
  private heldCR = false;
  /** The line break of the last body line, withheld until the next line is known. */
  private pendingEOL: Buffer = EMPTY;
  private counter: SizeCounter | null = null;
  private done = 0;
  private ended = false;
  private maxDash = 0;
  /** Bytes fed before the current chunk; the offset just after the line being handled. */
  private fed = 0;
  private lineEndAbs = 0;
  /** Where the top-level body starts; entities seen (outside attached messages). */
  private topBodyStart = 0;
  private entities = 1;
  /** More than MAX_PARTS entities: the whole top-level body counts (as parseMessage does). */
  private flat = false;

  /** Decoded attachment bytes so far. */
  get attachmentBytes(): number {
    if (this.flat) return this.fed - this.topBodyStart;
    return this.done + (this.counter ? this.counter.total() : 0);
  }

  feed(chunk: Buffer): void {
    if (this.ended) throw new Error('AttachmentMeter: feed after end');
    try {
      this.scan(chunk);
    } finally {
      this.fed += chunk.length;
    }
  }

  private scan(chunk: Buffer): void {
    let pos = 0;
    const len = chunk.length;
    while (pos < len) {
      if (this.flat) return;
      if (this.mode === 'body' && this.frames.length === 0) {
        this.emit(chunk.subarray(pos));
        return;
      }
      if (this.longLine) {
        const j = chunk.indexOf(LF, pos);
        if (j < 0) {
          this.emitHoldCR(chunk.subarray(pos));
          return;
        }
        this.emitHoldCR(chunk.subarray(pos, j));
        this.pendingEOL = this.heldCR ? CRLF : LFB;
        this.heldCR = false;
        this.longLine = false;
        pos = j + 1;
        continue;
      }
      if (this.skipLine) {
        const j = chunk.indexOf(LF, pos);
        if (j < 0) return;
        this.skipLine = false;
        pos = j + 1;
        this.lineEndAbs = this.fed + pos;
        this.lineDone(this.takeHead(EMPTY, true));
        continue;
      }
      // Fast path in a body: lines that do not start with '-' cannot be delimiters.
      if (this.mode === 'body' && this.headLen === 0 && chunk[pos] !== DASH) {
        const k = chunk.indexOf(NL_DASH, pos);
        const lastLF = k >= 0 ? k : chunk.lastIndexOf(LF);
        if (lastLF >= pos) {
          let e = lastLF;
          if (e > pos && chunk[e - 1] === CR) e--;
          this.emit(this.pendingEOL);
          this.emit(chunk.subarray(pos, e));
          this.pendingEOL = e < lastLF ? CRLF : LFB;
          pos = lastLF + 1;
          continue;
        }
      }
      const cap = this.mode === 'header' ? HEADER_BYTES_CAP : this.maxDash + 2 + MAX_BOUNDARY_PADDING + 2;
      const j = chunk.indexOf(LF, pos);
      const stop = j < 0 ? len : j + 1;
      if (this.headLen + (stop - pos) <= cap) {
        if (j < 0) {
          this.pushHead(chunk.subarray(pos));
          return;
        }
        const line = this.takeHead(chunk.subarray(pos, stop), false);
        pos = stop;
        this.lineEndAbs = this.fed + pos;
        this.onLine(line);
        continue;
      }
      // Longer than any delimiter line.
      if (this.mode === 'body') {
        const headBytes = this.takeHead(EMPTY, false);
        this.emit(this.pendingEOL);
        this.pendingEOL = EMPTY;
        this.longLine = true;
        this.emitHoldCR(headBytes);
        continue;
      }
      // Header mode: keep the first `cap` bytes of the line, drop the rest.
      const room = Math.max(0, cap - this.headLen);
      this.pushHead(chunk.subarray(pos, pos + room));
      this.skipLine = true;
      pos += room;
    }
  }

  /** Ends the message; returns the final decoded attachment total. */
  end(): number {
    if (this.ended) return this.attachmentBytes;
    this.ended = true;
    this.lineEndAbs = this.fed;
    if (this.flat) {
      this.counter = null;
      this.done = this.fed - this.topBodyStart;
      return this.done;
    }
    if (this.longLine) {
      if (this.heldCR) this.emit(Buffer.from('\r'));
      this.heldCR = false;
    } else if (this.skipLine || this.headLen > 0) {
      const line = this.takeHead(EMPTY, false);
      if (this.skipLine) this.lineDone(line);
      else this.onLine(line);
    }
    if (this.flat) {
      this.counter = null;
      this.done = this.fed - this.topBodyStart;
      return this.done;
    }
    if (this.mode === 'body') this.emit(this.pendingEOL);
    this.pendingEOL = EMPTY;
    this.finishEntity();
    return this.done;
  }

  private pushHead(b: Buffer): void {
    if (b.length === 0) return;
    this.head.push(Buffer.from(b)); // copied: the caller may reuse its chunk
    this.headLen += b.length;
  }

  private takeHead(tail: Buffer, _skipped: boolean): Buffer {
    if (this.headLen === 0) return tail;
    const parts = tail.length > 0 ? [...this.head, tail] : this.head;
    const line = Buffer.concat(parts);
    this.head = [];
    this.headLen = 0;
    return line;
  }

  private emit(b: Buffer): void {
    if (b.length > 0 && this.counter) this.counter.write(b);
  }

  /** Emits content, holding back a trailing CR (it may start the line break). */
  private emitHoldCR(b: Buffer): void {
    if (b.length === 0) return;
    if (this.heldCR) {
      this.emit(Buffer.from('\r'));
      this.heldCR = false;
    }
    if (b[b.length - 1] === CR) {
      this.emit(b.subarray(0, b.length - 1));
      this.heldCR = true;
    } else this.emit(b);
  }

  private finishEntity(): void {
    if (this.counter) this.done += this.counter.total();
    this.counter = null;
  }

  /** A complete line (with its line break, unless the input ended). */
  private onLine(line: Buffer): void {
    if (line.length > 0 && line[0] === DASH) {
      for (let k = 0; k < this.frames.length; k++) {
        const d = delimiterAt(line, 0, line.length, this.frames[k]!.dash);
        if (!d) continue;
        this.pendingEOL = EMPTY;
        this.finishEntity();
        const frame = this.frames[k]!;
        this.frames.length = k + 1;
        if (d.close) {
          this.frames.pop();
          this.mode = 'body'; // epilogue: not counted
        } else {
          this.startEntity(frame.depth + 1, frame.subtype);
        }
        this.recomputeMaxDash();
        return;
      }
    }
    if (this.mode === 'body') {
      let e = line.length;
      if (e > 0 && line[e - 1] === LF) {
        e--;
        if (e > 0 && line[e - 1] === CR) e--;
      }
      this.emit(this.pendingEOL);
      this.emit(line.subarray(0, e));
      this.pendingEOL = e < line.length ? line.subarray(e) : EMPTY;
      if (this.pendingEOL.length > 0) this.pendingEOL = Buffer.from(this.pendingEOL);
      return;
    }
    this.lineDone(line);
  }

  /** Header mode: one header line (not a delimiter). */
  private lineDone(line: Buffer): void {
    const isEmpty = (line.length === 1 && line[0] === LF) || (line.length === 2 && line[0] === CR && line[1] === LF);
    if (isEmpty) {
      this.startBody();
      return;
    }
    if (line.length === 0) return;
    const first = line[0];
    if (first === 0x20 || first === 0x09) {
      if (this.fieldKept) this.keepHeader(line);
      return;
    }
    this.fieldKept = INTERESTING.test(line.toString('latin1', 0, Math.min(line.length, 256)));
    if (this.fieldKept) this.keepHeader(line);
  }

  private keepHeader(line: Buffer): void {
    const room = HEADER_BYTES_CAP - this.headerLen;
    if (room <= 0) return;
    let b = line.length > room ? line.subarray(0, room) : line;
    if (b[b.length - 1] !== LF) b = Buffer.concat([b, LFB]);
    this.headerParts.push(Buffer.from(b));
    this.headerLen += b.length;
  }

  private startEntity(depth: number, parentSubtype: string | null): void {
    if (++this.entities > MAX_PARTS) this.flat = true;
    this.mode = 'header';
    this.depth = depth;
    this.parentSubtype = parentSubtype;
    this.headerParts = [];
    this.headerLen = 0;
    this.fieldKept = false;
  }

  private startBody(): void {
    const hb = Buffer.concat(this.headerParts);
    this.headerParts = [];
    this.headerLen = 0;
    const info = classify(parseHeaderFields(hb, 0, hb.length), this.parentSubtype, this.depth);
    if (this.depth === 0) this.topBodyStart = this.lineEndAbs;
    this.mode = 'body';
    this.pendingEOL = EMPTY;
    if (info.kind === 'multipart') {
      this.frames.push({ dash: Buffer.from('--' + info.boundary!, 'utf8'), subtype: info.subtype, depth: this.depth });
      this.recomputeMaxDash();
      this.counter = null; // preamble
      return;
    }
    if (info.kind === 'message' && !isAttachment(info)) {
      this.startEntity(this.depth + 1, null);
      return;
    }
    this.counter = isAttachment(info) ? sizeCounter(info.kind === 'message' ? '7bit' : info.encoding) : null;
  }

  private recomputeMaxDash(): void {
    let m = 0;
    for (const f of this.frames) m = Math.max(m, f.dash.length);
    this.maxDash = m;
  }
}

/** MAX_DEPTH re-exported for callers that document limits. */
export { MAX_DEPTH };

/**
 * The meter as a Writable: pipe the message into it; `onProgress` sees the running
 * total after each chunk (throw or destroy the source there to refuse early).
 */
export class AttachmentMeterStream extends Writable {
  readonly meter = new AttachmentMeter();
  constructor(private readonly onProgress?: (attachmentBytes: number) => void) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    try {
      this.meter.feed(chunk);
      this.onProgress?.(this.meter.attachmentBytes);
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }
  override _final(cb: (err?: Error | null) => void): void {
    this.meter.end();
    cb();
  }
}
