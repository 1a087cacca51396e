/**
 * Content-Transfer-Encoding (RFC 2045 §6): decoded-size counters that work on
 * chunks (the parser feeds a whole body, the streaming meter feeds pieces — both
 * get the same number), and decoding of text bodies for search.
 *
 * - base64 (§6.8): decoded size = floor(6·n / 8) for n characters of the base64
 *   alphabet; everything else (line breaks, '=', garbage) is ignored, as decoders do.
 * - quoted-printable (§6.7): "=XX" is one byte, "=" before a line break (soft break)
 *   is none, any other byte is itself (an "=" not followed by two hex digits is kept).
 * - 7bit, 8bit, binary and unknown encodings: the bytes as they are.
 */
import { decodeCharset } from './header.js';

export interface SizeCounter {
  write(chunk: Buffer): void;
  /** Decoded size so far, counting what is pending as final. */
  total(): number;
}

/** base64 alphabet (standard and URL-safe) → 1. */
const B64 = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_') B64[c.charCodeAt(0)] = 1;

class Base64Counter implements SizeCounter {
  private chars = 0;
  write(chunk: Buffer): void {
    let n = 0;
    for (let i = 0; i < chunk.length; i++) n += B64[chunk[i]!]!;
    this.chars += n;
  }
  total(): number {
    return Math.floor((this.chars * 3) / 4);
  }
}

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/**
 * QP state: 0 normal; 1 after "="; 2 after "=H" (hex); 3 after "=\r".
 */
class QpCounter implements SizeCounter {
  private n = 0;
  private state = 0;
  write(chunk: Buffer): void {
    let n = this.n;
    let state = this.state;
    const len = chunk.length;
    for (let i = 0; i < len; i++) {
      const c = chunk[i]!;
      switch (state) {
        case 0:
          if (c === 0x3d) state = 1;
          else n++;
          break;
        case 1:
          if (HEX[c]! >= 0) state = 2;
          else if (c === 0x0a) state = 0; // soft break "=\n"
          else if (c === 0x0d) state = 3;
          else {
            // a lone "=" is kept, this byte re-read
            n++;
            state = 0;
            i--;
          }
          break;
        case 2:
          if (HEX[c]! >= 0) {
            n++; // "=XX"
            state = 0;
          } else {
            n += 2; // "=X" kept as is, this byte re-read
            state = 0;
            i--;
          }
          break;
        case 3:
          if (c === 0x0a) state = 0; // soft break "=\r\n"
          else {
            n += 2; // "=\r" kept
            state = 0;
            i--;
          }
          break;
      }
    }
    this.n = n;
    this.state = state;
  }
  total(): number {
    return this.n + (this.state === 0 ? 0 : this.state === 1 ? 1 : 2);
  }
}

class IdentityCounter implements SizeCounter {
  private n = 0;
  write(chunk: Buffer): void {
    this.n += chunk.length;
  }
  total(): number {
    return this.n;
  }
}

export function sizeCounter(encoding: string): SizeCounter {
  if (encoding === 'base64') return new Base64Counter();
  if (encoding === 'quoted-printable') return new QpCounter();
  return new IdentityCounter();
}

/** Decoded size of a body given whole. */
export function decodedSize(body: Buffer, encoding: string): number {
  const c = sizeCounter(encoding);
  c.write(body);
  return c.total();
}

/**
 * Decodes quoted-printable bytes (RFC 2045 §6.7), lenient: "=XX" is one byte; "="
 * at the end of a line, even with transport padding (spaces, tabs) after it, is a
 * soft line break; whitespace at the end of a line is padding and dropped (rule 3);
 * any other "=" is kept as it is.
 */
export function decodeQp(b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(b.length);
  let o = 0;
  /** Output length before the current run of spaces/tabs (dropped if the line ends there). */
  let wsStart = -1;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x20 || c === 0x09) {
      if (wsStart < 0) wsStart = o;
      out[o++] = c;
      continue;
    }
    if (c === 0x0d || c === 0x0a) {
      if (wsStart >= 0) o = wsStart;
      wsStart = -1;
      out[o++] = c;
      continue;
    }
    wsStart = -1;
    if (c !== 0x3d) {
      out[o++] = c;
      continue;
    }
    const h1 = i + 1 < b.length ? HEX[b[i + 1]!]! : -1;
    const h2 = i + 2 < b.length ? HEX[b[i + 2]!]! : -1;
    if (h1 >= 0 && h2 >= 0) {
      out[o++] = h1 * 16 + h2;
      i += 2;
      continue;
    }
    let j = i + 1;
    while (j < b.length && (b[j] === 0x20 || b[j] === 0x09)) j++;
    if (j >= b.length) i = j - 1;
    else if (b[j] === 0x0a) i = j;
    else if (b[j] === 0x0d && b[j + 1] === 0x0a) i = j + 1;
    else out[o++] = c;
  }
  if (wsStart >= 0) o = wsStart;
  return out.subarray(0, o);
}

/**
 * Decodes a body by its transfer encoding. base64 leniently: line by line, lines
 * with bytes outside the alphabet skipped (so one bad line does not shift the rest).
 */
export function decodeBody(body: Buffer, encoding: string): Buffer {
  if (encoding === 'base64') {
    const str = body.toString('latin1');
    // the usual case: only alphabet, padding and line breaks (Node skips whitespace)
    if (/^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/.test(str)) return Buffer.from(str, 'base64');
    const lines = str.split('\n');
    const good = lines.map((l) => l.trim()).filter((l) => /^[A-Za-z0-9+/]*={0,2}$/.test(l));
    return Buffer.from(good.join('').replace(/=/g, ''), 'base64');
  }
  if (encoding === 'quoted-printable') return decodeQp(body);
  return body;
}

/** The text of a text/* body: transfer-decoded, then from its charset. */
export function decodeText(body: Buffer, encoding: string, charset: string): string {
  return decodeCharset(decodeBody(body, encoding), charset);
}
