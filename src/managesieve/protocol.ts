/**
 * ManageSieve syntax (RFC 5804 §4): a command is an atom and arguments — atoms
 * (numbers included), quoted strings (`\"` and `\\` escapes) and literals
 * (`{n+}` CRLF n octets; `{n}` accepted too) — ended by CRLF. The reader cuts
 * complete commands out of what has arrived and waits for the rest; a line or a
 * literal over its limit is an error. Replies: OK/NO/BYE with an optional
 * response code and a quoted or literal string (§1.3). Pure.
 */

export type Arg = { kind: 'atom'; value: string } | { kind: 'string'; value: string };

export interface Command {
  name: string;
  args: Arg[];
}

export class ProtocolError extends Error {}

export interface ReaderLimits {
  maxLineBytes: number;
  maxLiteralBytes: number;
}

/** Accumulates bytes; `next()` returns one complete command, or null when more must arrive. */
export class CommandReader {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly limits: ReaderLimits) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
  }

  next(): Command | null {
    const args = this.nextLine();
    if (!args) return null;
    const [first, ...rest] = args;
    if (first!.kind !== 'atom') throw new ProtocolError('a command starts with its name');
    return { name: first!.value.toUpperCase(), args: rest };
  }

  /** The arguments of the next complete non-empty line, or null when more must arrive. */
  nextLine(): Arg[] | null {
    const args: Arg[] = [];
    let i = 0;
    const b = this.buf;
    let lineStart = 0;
    for (;;) {
      while (i < b.length && b[i] === 0x20) i++;
      if (i >= b.length) return this.incomplete(lineStart);
      const c = b[i]!;
      if (c === 0x0d || c === 0x0a) {
        const end = c === 0x0d ? i + 1 : i;
        if (end >= b.length) return this.incomplete(lineStart);
        if (b[end] !== 0x0a) throw new ProtocolError('expected CRLF');
        this.buf = b.subarray(end + 1);
        return args.length ? args : this.nextLine();
      }
      if (c === 0x22) {
        let j = i + 1;
        const parts: number[] = [];
        for (;;) {
          if (j >= b.length) return this.incomplete(lineStart);
          const d = b[j]!;
          if (d === 0x22) break;
          if (d === 0x0d || d === 0x0a) throw new ProtocolError('a quoted string cannot hold a line break; use a literal');
          if (d === 0x5c) {
            if (j + 1 >= b.length) return this.incomplete(lineStart);
            parts.push(b[j + 1]!);
            j += 2;
            continue;
          }
          parts.push(d);
          j++;
        }
        args.push({ kind: 'string', value: Buffer.from(parts).toString('utf8') });
        i = j + 1;
        continue;
      }
      if (c === 0x7b) {
        const close = b.indexOf(0x7d, i);
        if (close < 0) return this.incomplete(lineStart);
        const m = /^\{(\d{1,10})\+?\}$/.exec(b.subarray(i, close + 1).toString('latin1'));
        if (!m) throw new ProtocolError('bad literal: expected {n+}');
        const n = Number(m[1]);
        if (n > this.limits.maxLiteralBytes) throw new ProtocolError(`literal too large: at most ${this.limits.maxLiteralBytes} bytes`);
        let start = close + 1;
        if (b[start] === 0x0d) start++;
        if (start >= b.length) return this.incomplete(lineStart);
        if (b[start] !== 0x0a) throw new ProtocolError('a literal header ends the line');
        start++;
        if (start + n > b.length) return null;
        args.push({ kind: 'string', value: b.subarray(start, start + n).toString('utf8') });
        i = start + n;
        lineStart = i;
        continue;
      }
      let j = i;
      while (j < b.length && b[j] !== 0x20 && b[j] !== 0x0d && b[j] !== 0x0a && b[j] !== 0x22 && b[j] !== 0x7b) j++;
      if (j >= b.length) return this.incomplete(lineStart);
      args.push({ kind: 'atom', value: b.subarray(i, j).toString('latin1') });
      i = j;
    }
  }

  private incomplete(lineStart: number): null {
    if (this.buf.length - lineStart > this.limits.maxLineBytes) throw new ProtocolError(`line too long: at most ${this.limits.maxLineBytes} bytes`);
    return null;
  }
}

/** A string as a quoted string when it can be one, else a literal (§4 string). */
export function encodeString(s: string): string {
  if (/^[^"\\\r\n\0]*$/.test(s) && Buffer.byteLength(s, 'utf8') < 1024) return `"${s}"`;
  return `{${Buffer.byteLength(s, 'utf8')}}\r\n${s}`;
}

/** OK / NO / BYE [(CODE)] ["text"] CRLF (§1.3). */
export function response(kind: 'OK' | 'NO' | 'BYE', o: { code?: string; text?: string } = {}): string {
  return `${kind}${o.code ? ` (${o.code})` : ''}${o.text !== undefined ? ` ${encodeString(o.text)}` : ''}\r\n`;
}
