/**
 * smtp/data-scan.ts: with the native scan installed, smtp-server's stream gives
 * byte for byte what its own code gives — the unstuffed message (RFC 5321
 * §4.5.2), its byte count, and the commands after the final dot — for messages
 * full of dot-stuffed lines and "." lines, cut into chunks at every kind of place
 * (inside "\r\n.", right after it, one byte at a time, 64 KiB).
 */
import { describe, it, expect } from 'vitest';
import { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import { dataScanStats, installDataScan } from '../../src/smtp/data-scan.js';

type Feed = (chunk: Buffer, done: () => void) => void;
const proto = (SMTPStream as unknown as { prototype: { _feedDataStream: Feed } }).prototype;
const original = proto._feedDataStream;
expect(installDataScan()).toBe(true);
const patched = proto._feedDataStream;

interface Run {
  data: Buffer;
  byteLength: number;
  commands: string[];
}

/** One DATA phase through a real SMTPStream: the chunks written in order, then what it emitted. */
async function feed(chunks: Buffer[], impl: Feed): Promise<Run> {
  proto._feedDataStream = impl;
  try {
    const s = new SMTPStream() as unknown as NodeJS.WritableStream & {
      oncommand: (c: Buffer, cb?: () => void) => void;
      startDataMode(): NodeJS.ReadableStream & { byteLength: number };
      continue(): void;
    };
    const commands: string[] = [];
    s.oncommand = (c, cb) => {
      commands.push(c.toString('latin1'));
      cb?.();
    };
    const ds = s.startDataMode();
    const parts: Buffer[] = [];
    ds.on('data', (b: Buffer) => parts.push(b));
    const ended = new Promise<void>((r) => ds.on('end', () => (s.continue(), r())));
    for (const c of chunks) await new Promise<void>((r) => s.write(c, () => r()));
    await ended;
    await new Promise((r) => setImmediate(r));
    return { data: Buffer.concat(parts), byteLength: ds.byteLength, commands };
  } finally {
    proto._feedDataStream = patched;
  }
}

/** A pseudo-random generator, so a failure repeats. */
function rng(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

function message(r: () => number, bytes: number, dots: number): Buffer {
  const lines: string[] = [];
  let n = 0;
  while (n < bytes) {
    const kind = r() < dots ? r() * 0.25 : 1;
    const line = kind < 0.15 ? '..' + 'x'.repeat(Math.floor(r() * 40)) : kind < 0.2 ? '..' : kind < 0.25 ? '' : 'y'.repeat(1 + Math.floor(r() * 90));
    lines.push(line);
    n += line.length + 2;
  }
  return Buffer.from(lines.join('\r\n') + '\r\n.\r\nQUIT\r\n', 'latin1');
}

function cut(r: () => number, b: Buffer, how: 'random' | 'bytes' | '64k' | 'seams'): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < b.length) {
    let len: number;
    if (how === 'bytes') len = 1;
    else if (how === '64k') len = 65536;
    else if (how === 'seams') {
      // end each chunk right before, inside or after a "\n." when there is one ahead
      const j = b.indexOf('\n.', at + 1);
      len = j === -1 ? b.length - at : Math.max(1, j - at + Math.floor(r() * 3));
    } else len = 1 + Math.floor(r() * 3000);
    out.push(b.subarray(at, Math.min(b.length, at + len)));
    at += len;
  }
  return out;
}

describe('the native scan of the DATA phase', () => {
  for (const how of ['random', 'seams', '64k', 'bytes'] as const) {
    it(`gives what smtp-server's own code gives, chunks cut ${how}`, async () => {
      const r = rng(how.length * 7919);
      const before = dataScanStats.passedOn;
      for (let k = 0; k < (how === 'bytes' ? 3 : 20); k++) {
        // many dot-stuffed lines, or few (most chunks then hold none and are passed on natively)
        const m = message(r, how === 'bytes' ? 2000 : 10_000 + Math.floor(r() * 200_000), k % 2 ? 1 : 0.002);
        const chunks = cut(r, m, how);
        const want = await feed(chunks, original);
        const got = await feed(chunks, patched);
        expect(got.data.equals(want.data), `message ${k}`).toBe(true);
        expect(got.byteLength).toBe(want.byteLength);
        expect(got.commands).toEqual(want.commands);
        expect(want.commands).toEqual(['QUIT']);
      }
      expect(dataScanStats.passedOn).toBeGreaterThan(before);
    });
  }

  it('unstuffs: a line "..x" arrives as ".x", the final "." ends the data', async () => {
    const got = await feed([Buffer.from('a\r\n..b\r\n...\r\n'), Buffer.from('c'.repeat(70_000)), Buffer.from('\r\n.\r\nNOOP\r\n')], patched);
    expect(got.data.toString('latin1')).toBe(`a\r\n.b\r\n..\r\n${'c'.repeat(70_000)}\r\n`);
    expect(got.commands).toEqual(['NOOP']);
  });
});
