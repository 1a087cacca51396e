/**
 * Command framing (RFC 3501 §2.2, §7.5; RFC 7888 LITERAL+): splits the client's byte
 * stream into commands — line segments and the literals between them.
 *
 * - A line ending in `{n}` announces a synchronizing literal: the framer asks
 *   `literalLimit()` and either emits `continue` (the server sends `+ Ready`) and reads
 *   n bytes, or emits `reject` (tagged `NO [TOOBIG]`, no `+`): the client then does not
 *   send the literal and the rest of that command is abandoned.
 * - `{n+}` (non-synchronizing): the bytes follow at once. Over the limit they are
 *   consumed and discarded together with the rest of the command, then `reject` is
 *   emitted, so the session stays in sync (the Outlook APPEND failure) — or, when
 *   `discardOversized()` says no (before authentication), a fatal `reject` is emitted
 *   and the connection is closed (RFC 7888 §4 allows both).
 * - `~{n}` / `~{n+}`: literal8 (RFC 3516), same rules.
 * - Command text (all line segments of one command, without its literals) longer than
 *   `maxLineBytes` is discarded up to the next LF and reported as `too-long` (tagged BAD);
 *   the total of a command's literals is bounded by `literalLimit()`.
 *
 * - Before a literal is read, `openLiteral()` may hand it a spool (the bytes are
 *   written there as they arrive, not kept in memory) or refuse it (a server or
 *   per-mailbox bound on literal bytes in flight): a refusal is a `reject` carrying
 *   its code (`NO [LIMIT]`), under the same rules as an oversized literal — no `+`
 *   for `{n}`, read and discarded for `{n+}`.
 *
 * Literal bytes are kept as received Buffer slices, in chunks of at most 64 KiB, or
 * written to the spool; they are never joined or decoded here. A command that is
 * dropped (or a connection that ends, `abort()`) releases its spools. Pure: no sockets.
 */
import { releaseLiterals, type LiteralSpool, type LiteralToken } from './tokens.js';

export const LITERAL_CHUNK = 64 * 1024;

/** One complete command: `lines.length === literals.length + 1`; every line but the last ended with a literal marker. */
export interface FramedCommand {
  lines: string[];
  literals: LiteralToken[];
  /** Bytes of the whole command as received. */
  bytes: number;
}

export type FrameEvent =
  | { kind: 'command'; command: FramedCommand }
  /** Send `+ Ready for literal data`. */
  | { kind: 'continue'; size: number }
  /** A literal over the limit: answer `tag NO [TOOBIG] ...`; the command is dropped. */
  | {
      kind: 'reject';
      tag: string | undefined;
      size: number;
      limit: number;
      fatal?: boolean;
      /** A refusal by `openLiteral` (default: over the size limit, `TOOBIG`). */
      code?: string;
      text?: string;
    }
  /** A line over maxLineBytes: answer `tag BAD ...` (or `* BAD`); the command is dropped. */
  | { kind: 'too-long'; tag: string | undefined; limit: number };

export interface FramerOptions {
  maxLineBytes: number;
  /** Largest literal total per command accepted now (the server may lower it before authentication). */
  literalLimit: () => number;
  /**
   * For an oversized `{n+}`: true → consume and discard it (RFC 7888 §4, keeps an
   * authenticated client in sync); false → emit a fatal reject and read nothing more
   * (the server answers and closes; used before authentication). Default true.
   */
  discardOversized?: () => boolean;
  /**
   * A literal of `size` bytes begins (within the size limit; `before` bytes of earlier
   * literals of the same command are held already): undefined → keep it in memory,
   * a spool → write it there, `{ code, text }` → refuse it (a reject event).
   */
  openLiteral?: (size: number, before: number) => LiteralSpool | { code: string; text: string } | undefined;
}

const LITERAL_RE = /(~?)\{(\d{1,12})(\+?)\}$/;
const TAG_RE = /^([^\s(){%*"\\\]+]+) /;

/** The tag of a (possibly partial) command line, if it has a valid one. */
export function lineTag(line: string): string | undefined {
  const m = TAG_RE.exec(line);
  return m ? m[1] : undefined;
}

type Mode =
  | { m: 'line' }
  /** Reading literal bytes into `lit`. */
  | { m: 'literal'; lit: LiteralToken; left: number }
  /** Discarding literal bytes (over the limit, non-synchronizing). */
  | { m: 'skip-literal'; left: number }
  /** Discarding an over-long line up to its LF. */
  | { m: 'skip-line' }
  /** After a fatal reject: input is ignored (the connection is being closed). */
  | { m: 'dead' };

export class Framer {
  private mode: Mode = { m: 'line' };
  private lineParts: Buffer[] = [];
  private lineLen = 0;
  /** Bytes of the command's earlier line segments (the text around its literals). */
  private textBytes = 0;
  private lines: string[] = [];
  private literals: LiteralToken[] = [];
  private literalTotal = 0;
  private commandBytes = 0;
  /** The current command is being discarded; emit this when it ends. */
  private discarding: FrameEvent | undefined;
  private tag: string | undefined;

  constructor(private readonly opts: FramerOptions) {}

  /** Feed received bytes; returns what happened, in order. */
  push(chunk: Buffer): FrameEvent[] {
    const out: FrameEvent[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      const mode = this.mode;
      if (mode.m === 'dead') return out;
      if (mode.m === 'literal') {
        const n = Math.min(mode.left, chunk.length - pos, LITERAL_CHUNK);
        if (mode.lit.spool) mode.lit.spool.write(chunk.subarray(pos, pos + n));
        else mode.lit.chunks.push(chunk.subarray(pos, pos + n));
        mode.left -= n;
        pos += n;
        this.commandBytes += n;
        if (mode.left === 0) {
          this.literals.push(mode.lit);
          this.mode = { m: 'line' };
        }
        continue;
      }
      if (mode.m === 'skip-literal') {
        const n = Math.min(mode.left, chunk.length - pos);
        mode.left -= n;
        pos += n;
        if (mode.left === 0) this.mode = { m: 'line' };
        continue;
      }
      const lf = chunk.indexOf(0x0a, pos);
      if (mode.m === 'skip-line') {
        if (lf < 0) return out;
        pos = lf + 1;
        this.mode = { m: 'line' };
        this.endDiscarded(out);
        continue;
      }
      // line mode
      const end = lf < 0 ? chunk.length : lf;
      const take = end - pos;
      if (this.textBytes + this.lineLen + take > this.opts.maxLineBytes) {
        if (!this.discarding) {
          const head = Buffer.concat([...this.lineParts, chunk.subarray(pos, Math.min(end, pos + 256))]).toString('latin1');
          const tag = this.lines.length ? this.tag : lineTag(head);
          this.discarding = { kind: 'too-long', tag, limit: this.opts.maxLineBytes };
        }
        this.lineParts = [];
        this.lineLen = 0;
        if (lf < 0) {
          this.mode = { m: 'skip-line' };
          return out;
        }
        pos = lf + 1;
        this.endDiscarded(out);
        continue;
      }
      if (lf < 0) {
        this.lineParts.push(chunk.subarray(pos));
        this.lineLen += take;
        return out;
      }
      this.lineParts.push(chunk.subarray(pos, lf));
      this.lineLen += take;
      pos = lf + 1;
      this.endLine(out);
    }
    return out;
  }

  /** The connection ended: release what the command being received holds; read nothing more. */
  abort(): void {
    if (this.mode.m === 'literal') this.mode.lit.spool?.release();
    this.mode = { m: 'dead' };
    this.drop();
  }

  /** Bytes of the command currently being received (for memory accounting). */
  get pendingBytes(): number {
    return this.commandBytes + this.lineLen;
  }

  private endLine(out: FrameEvent[]): void {
    let buf = this.lineParts.length === 1 ? this.lineParts[0]! : Buffer.concat(this.lineParts, this.lineLen);
    this.lineParts = [];
    this.commandBytes += this.lineLen + 1;
    this.textBytes += this.lineLen + 1;
    this.lineLen = 0;
    if (buf.length && buf[buf.length - 1] === 0x0d) buf = buf.subarray(0, buf.length - 1);
    const line = buf.toString('utf8');
    if (this.lines.length === 0 && !this.discarding) this.tag = lineTag(line);
    const m = LITERAL_RE.exec(line);
    if (!m) {
      if (this.discarding) {
        this.endDiscarded(out);
        return;
      }
      this.lines.push(line);
      out.push({ kind: 'command', command: { lines: this.lines, literals: this.literals, bytes: this.commandBytes } });
      this.reset();
      return;
    }
    const size = Number(m[2]);
    const nonSync = m[3] === '+';
    const binary = m[1] === '~';
    if (this.discarding) {
      // already dropping this command: skip what follows
      if (nonSync) this.mode = size > 0 ? { m: 'skip-literal', left: size } : { m: 'line' };
      else this.endDiscarded(out); // the client waits for '+', which never comes: the command ends here
      return;
    }
    const limit = this.opts.literalLimit();
    let spool: LiteralSpool | undefined;
    let refusal: Extract<FrameEvent, { kind: 'reject' }> | undefined;
    if (this.literalTotal + size > limit) refusal = { kind: 'reject', tag: this.tag, size, limit };
    else if (size > 0 && this.opts.openLiteral) {
      const r = this.opts.openLiteral(size, this.literalTotal);
      if (r && 'code' in r) refusal = { kind: 'reject', tag: this.tag, size, limit, code: r.code, text: r.text };
      else spool = r;
    }
    if (refusal) {
      if (nonSync && this.opts.discardOversized && !this.opts.discardOversized()) {
        out.push({ ...refusal, fatal: true });
        this.drop();
        this.mode = { m: 'dead' };
      } else if (nonSync && size > 0) {
        releaseLiterals(this.literals);
        this.discarding = refusal;
        this.lines = [];
        this.literals = [];
        this.mode = { m: 'skip-literal', left: size };
      } else if (nonSync) {
        this.discarding = refusal;
      } else {
        out.push(refusal);
        this.drop();
      }
      return;
    }
    this.literalTotal += size;
    this.lines.push(line.slice(0, m.index) + (binary ? '~{}' : '{}'));
    const lit: LiteralToken = { type: 'literal', size, chunks: [], nonSync, binary };
    if (spool) lit.spool = spool;
    if (!nonSync) out.push({ kind: 'continue', size });
    if (size === 0) this.literals.push(lit);
    else this.mode = { m: 'literal', lit, left: size };
  }

  private endDiscarded(out: FrameEvent[]): void {
    if (this.discarding) out.push(this.discarding);
    this.drop();
  }

  /** Abandon the command being received: free its spooled literals. */
  private drop(): void {
    releaseLiterals(this.literals);
    this.reset();
  }

  private reset(): void {
    this.lines = [];
    this.literals = [];
    this.literalTotal = 0;
    this.commandBytes = 0;
    this.textBytes = 0;
    this.discarding = undefined;
    this.tag = undefined;
  }
}
