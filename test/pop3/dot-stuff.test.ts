/**
 * Byte-stuffing of multi-line responses (RFC 1939 §3) and the cut TOP makes
 * (RFC 1939 §7), fed a message in chunks cut at every position.
 */
import { describe, it, expect } from 'vitest';
import { DotStuffer, multiline } from '../../src/pop3/dot-stuff.js';
import { TopCutter } from '../../src/pop3/top-cut.js';

const message = 'Subject: x\r\nX-A: .b\r\n\r\n.one\r\ntwo\r\n..three\r\n.\r\nlast';

function stuffInChunks(text: string, size: number): string {
  const s = new DotStuffer();
  const b = Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(s.push(b.subarray(i, i + size)));
  out.push(s.end());
  return Buffer.concat(out).toString();
}

describe('DotStuffer', () => {
  it('doubles a leading dot on every line, whatever the chunk size, and ends the response', () => {
    const want = 'Subject: x\r\nX-A: .b\r\n\r\n..one\r\ntwo\r\n...three\r\n..\r\nlast\r\n.\r\n';
    for (let size = 1; size <= message.length; size++) expect(stuffInChunks(message, size)).toBe(want);
    expect(stuffInChunks('.', 1)).toBe('..\r\n.\r\n');
    expect(stuffInChunks('a\r\n', 1)).toBe('a\r\n.\r\n');
    expect(new DotStuffer().end().toString()).toBe('.\r\n');
  });

  it('builds short multi-line bodies', () => {
    expect(multiline(['TOP', '.x'])).toBe('TOP\r\n..x\r\n.\r\n');
  });
});

describe('TopCutter', () => {
  function top(lines: number, size: number): string {
    const c = new TopCutter(lines);
    const b = Buffer.from(message);
    const out: Buffer[] = [];
    for (let i = 0; i < b.length; i += size) {
      const r = c.push(b.subarray(i, i + size));
      out.push(r.take);
      if (r.done) break;
    }
    return Buffer.concat(out).toString();
  }

  it('keeps the header, the empty line and the first n body lines', () => {
    for (let size = 1; size <= message.length; size++) {
      expect(top(0, size)).toBe('Subject: x\r\nX-A: .b\r\n\r\n');
      expect(top(2, size)).toBe('Subject: x\r\nX-A: .b\r\n\r\n.one\r\ntwo\r\n');
      expect(top(99, size)).toBe(message);
    }
  });
});
