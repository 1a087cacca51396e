/**
 * Multi-line responses of RFC 1939 §3: every line that starts with "." gets one
 * more "." in front (byte-stuffing), and the response ends with a line holding
 * only ".". Works on a message given in chunks cut anywhere. Pure: no I/O.
 */

export class DotStuffer {
  /** True at the start of a line (the first byte, or after LF). */
  private atLineStart = true;
  private lastByte = -1;

  /** The chunk with a "." put before every line that starts with one. */
  push(chunk: Buffer): Buffer {
    if (chunk.length === 0) return chunk;
    const at: number[] = [];
    if (this.atLineStart && chunk[0] === 0x2e) at.push(0);
    for (let i = chunk.indexOf(0x0a); i >= 0 && i + 1 < chunk.length; i = chunk.indexOf(0x0a, i + 1)) {
      if (chunk[i + 1] === 0x2e) at.push(i + 1);
    }
    this.lastByte = chunk[chunk.length - 1]!;
    this.atLineStart = this.lastByte === 0x0a;
    if (at.length === 0) return chunk;
    const parts: Buffer[] = [];
    let from = 0;
    for (const p of at) {
      parts.push(chunk.subarray(from, p), DOT);
      from = p;
    }
    parts.push(chunk.subarray(from));
    return Buffer.concat(parts);
  }

  /** The end of the response: a CRLF if the data did not end a line, then ".CRLF". */
  end(): Buffer {
    return this.lastByte === -1 || this.lastByte === 0x0a ? TERMINATOR : Buffer.from('\r\n.\r\n');
  }
}

const DOT = Buffer.from('.');
const TERMINATOR = Buffer.from('.\r\n');

/** A whole multi-line response body (CAPA, LIST, UIDL): lines stuffed, then ".". */
export function multiline(lines: readonly string[]): string {
  return lines.map((l) => (l.startsWith('.') ? '.' + l : l) + '\r\n').join('') + '.\r\n';
}
