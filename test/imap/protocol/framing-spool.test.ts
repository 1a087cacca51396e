/**
 * Framing of large literals (RFC 3501 §7.5, RFC 7888 LITERAL+) with a spool and a
 * refusal from `openLiteral`: spooled bytes never stay in the framer's chunks; a
 * refused `{n}` gets no continuation, a refused `{n+}` is read and discarded and then
 * reported with its code; a dropped command and `abort()` release their spools.
 */
import { describe, it, expect } from 'vitest';
import { Framer, type FrameEvent } from '../../../src/imap/protocol/framing.js';
import type { LiteralSpool } from '../../../src/imap/protocol/tokens.js';

class MemSpool implements LiteralSpool {
  parts: Buffer[] = [];
  released = 0;
  write(c: Buffer): void {
    this.parts.push(Buffer.from(c));
  }
  read(): Buffer {
    return Buffer.concat(this.parts);
  }
  release(): void {
    this.released++;
  }
}

function framer(refuse: boolean, spools: MemSpool[]): Framer {
  return new Framer({
    maxLineBytes: 1000,
    literalLimit: () => 1_000_000,
    openLiteral: (size) => {
      if (size < 100) return undefined;
      if (refuse) return { code: 'LIMIT', text: 'busy' };
      const s = new MemSpool();
      spools.push(s);
      return s;
    },
  });
}

describe('framer with openLiteral', () => {
  it('spools a large literal; small ones stay in memory', () => {
    const spools: MemSpool[] = [];
    const f = framer(false, spools);
    const body = Buffer.alloc(300, 0x61);
    const ev = f.push(Buffer.concat([Buffer.from('a APPEND INBOX {300+}\r\n'), body, Buffer.from(' {3+}\r\nabc\r\n')]));
    expect(ev).toHaveLength(1);
    const cmd = (ev[0] as Extract<FrameEvent, { kind: 'command' }>).command;
    expect(cmd.literals[0]!.chunks).toEqual([]);
    expect(cmd.literals[0]!.spool!.read()).toEqual(body);
    expect(cmd.literals[1]!.spool).toBeUndefined();
    expect(Buffer.concat(cmd.literals[1]!.chunks).toString()).toBe('abc');
  });

  it('a refused {n} gets no continuation; a refused {n+} is discarded, then reported; the next command is read', () => {
    const f = framer(true, []);
    expect(f.push(Buffer.from('a APPEND INBOX {300}\r\n'))).toEqual([{ kind: 'reject', tag: 'a', size: 300, limit: 1_000_000, code: 'LIMIT', text: 'busy' }]);
    const ev = f.push(Buffer.concat([Buffer.from('b APPEND INBOX {300+}\r\n'), Buffer.alloc(300, 0x62), Buffer.from('\r\nc NOOP\r\n')]));
    expect(ev.map((e) => e.kind)).toEqual(['reject', 'command']);
    expect(ev[0]).toMatchObject({ tag: 'b', code: 'LIMIT' });
  });

  it('abort() and a dropped command release their spools', () => {
    const spools: MemSpool[] = [];
    const f = framer(false, spools);
    f.push(Buffer.concat([Buffer.from('a APPEND INBOX {300+}\r\n'), Buffer.alloc(100)]));
    f.abort();
    expect(spools[0]!.released).toBe(1);
    const g = framer(false, spools);
    // a spooled literal, then a line over maxLineBytes: the command is dropped
    g.push(Buffer.concat([Buffer.from('b X {300+}\r\n'), Buffer.alloc(300), Buffer.from(' ' + 'y'.repeat(2000) + '\r\n')]));
    expect(spools[1]!.released).toBe(1);
  });
});
