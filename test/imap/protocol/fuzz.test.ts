import { describe, it, expect } from 'vitest';
import { Framer } from '../../../src/imap/protocol/framing.js';
import { tokenize } from '../../../src/imap/protocol/tokenizer.js';
import { isProtocolError } from '../../../src/imap/protocol/errors.js';
import { decodeMailboxName, encodeMailboxName } from '../../../src/imap/protocol/utf7.js';

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['a1 ', 'FETCH ', '1:*', ' ', '(', ')', '[', ']', '<0.10>', '"', '\\', '{3}\r\n', '{2+}\r\n', '~{1}\r\n', 'NIL', 'BODY.PEEK[', 'HEADER.FIELDS (FROM)', '\r\n', '\n', '\x00', 'Ж', '&', '-', '%', '*', '+'];

describe('fuzz: framer + tokenizer never throw anything but ProtocolError', () => {
  it('20000 random commands', () => {
    const r = rng(42);
    let commands = 0;
    for (let i = 0; i < 20000; i++) {
      const f = new Framer({ maxLineBytes: 200, literalLimit: () => 50 });
      let s = '';
      const n = 1 + Math.floor(r() * 12);
      for (let k = 0; k < n; k++) s += r() < 0.8 ? PIECES[Math.floor(r() * PIECES.length)] : String.fromCharCode(Math.floor(r() * 256));
      const bytes = Buffer.from(s + '\r\n', 'utf8');
      // split at a random point to exercise chunk boundaries
      const cut = Math.floor(r() * bytes.length);
      for (const ev of [...f.push(bytes.subarray(0, cut)), ...f.push(bytes.subarray(cut))]) {
        if (ev.kind !== 'command') continue;
        commands++;
        try {
          tokenize(ev.command);
        } catch (e) {
          if (!isProtocolError(e)) throw e;
        }
      }
    }
    expect(commands).toBeGreaterThan(1000);
  });

  it('modified UTF-7: random input decodes or raises ProtocolError; encode∘decode is identity', () => {
    const r = rng(7);
    for (let i = 0; i < 20000; i++) {
      let s = '';
      const n = Math.floor(r() * 10);
      for (let k = 0; k < n; k++) s += r() < 0.5 ? '&+,-ABZaz09/'[Math.floor(r() * 12)] : String.fromCharCode(Math.floor(r() * 0x3000));
      try {
        const d = decodeMailboxName(s);
        expect(decodeMailboxName(encodeMailboxName(d))).toBe(d);
      } catch (e) {
        if (!isProtocolError(e)) throw e;
      }
    }
  });
});
