/**
 * Pure syntax of the IMAP4rev2-era extensions: BINARY fetch items (RFC 3516 §4.2),
 * APPEND with several messages (RFC 3502 §6.3.11) and `UTF8 (literal)` (RFC 6855 §4),
 * and the base64 re-encoding of binary parts
 * of an APPENDed literal8 (RFC 3516 §4.4).
 */
import { describe, it, expect } from 'vitest';
import { tokenizeArgs } from '../../../src/imap/protocol/tokenizer.js';
import { parseFetchRequest } from '../../../src/imap/protocol/fetch-attrs.js';
import { parseAppendMessages } from '../../../src/imap/protocol/append-args.js';
import type { LiteralToken, Token } from '../../../src/imap/protocol/tokens.js';
import { encodeBinaryParts } from '../../../src/mime/binary-parts.js';
import { parseMessage } from '../../../src/mime/parse.js';
import { decodeQp } from '../../../src/mime/decode.js';

const fr = (s: string) => parseFetchRequest(tokenizeArgs([s]));
const lit = (s: string): LiteralToken => ({ type: 'literal', size: s.length, chunks: [Buffer.from(s)] }) as unknown as LiteralToken;

describe('RFC 3516 §4.2 BINARY fetch items', () => {
  it('parses BINARY, BINARY.PEEK with a partial, BINARY.SIZE, and labels them', () => {
    expect(fr('(BINARY[1.2] BINARY.PEEK[]<5.10> BINARY.SIZE[3])').items).toEqual([
      { kind: 'BINARY', label: 'BINARY[1.2]', part: '1.2', peek: false },
      { kind: 'BINARY', label: 'BINARY[]<5>', part: '', peek: true, partial: { offset: 5, length: 10 } },
      { kind: 'BINARY.SIZE', label: 'BINARY.SIZE[3]', part: '3' },
    ]);
  });
  it('refuses a section that is not a part number, a partial on BINARY.SIZE, a missing section', () => {
    expect(() => fr('BINARY[TEXT]')).toThrow(/part number/);
    expect(() => fr('BINARY[1.MIME]')).toThrow(/part number/);
    expect(() => fr('BINARY.SIZE[1]<0.3>')).toThrow(/partial/);
    expect(() => fr('BINARY.PEEK')).toThrow(/section/);
    expect(() => fr('BINARYX[1]')).toThrow();
  });
});

describe('RFC 3502 §6.3.11 / RFC 6855 §4 APPEND messages', () => {
  const withLits = (text: string, lits: LiteralToken[]): Token[] => {
    const t = tokenizeArgs([text]);
    return [...t, ...lits];
  };
  it('reads one message, or several each with its own flags and date', () => {
    const a = lit('Subject: a\r\n\r\n');
    const b = lit('Subject: b\r\n\r\n');
    expect(parseAppendMessages([a], { utf8: false })).toEqual([{ flags: [], message: a }]);
    const toks = [...tokenizeArgs(['(\\Seen) "17-Jul-1996 02:44:25 -0700"']), a, ...tokenizeArgs(['(\\Flagged)']), b];
    const r = parseAppendMessages(toks, { utf8: false });
    expect(r.map((m) => m.flags)).toEqual([['\\Seen'], ['\\Flagged']]);
    expect(r[0]!.date).toBe(Date.UTC(1996, 6, 17, 9, 44, 25));
    expect(r[1]!.date).toBeUndefined();
    expect(r.map((m) => m.message)).toEqual([a, b]);
  });
  it('takes UTF8 (literal) only when UTF8=ACCEPT is on; refuses anything that is not a message', () => {
    const a = lit('Subject: a\r\n\r\n');
    const utf8 = [...tokenizeArgs(['UTF8']), { type: 'list', items: [a] } as Token];
    expect(() => parseAppendMessages(utf8, { utf8: false })).toThrow(/UTF8=ACCEPT/);
    expect(parseAppendMessages(utf8, { utf8: true })).toEqual([{ flags: [], message: a }]);
    expect(() => parseAppendMessages(withLits('(\\Seen)', []), { utf8: false })).toThrow(/literal/);
    expect(() => parseAppendMessages([a, ...tokenizeArgs(['x'])], { utf8: false })).toThrow(/literal/);
  });
});

describe('RFC 3516 §4.4 binary parts stored as base64', () => {
  it('re-encodes only the parts holding a NUL, replacing their transfer encoding', () => {
    const raw = Buffer.concat([
      Buffer.from('Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nplain\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n'),
      Buffer.from([1, 0, 2]),
      Buffer.from('\r\n--b--\r\n'),
    ]);
    const out = encodeBinaryParts(raw, parseMessage(raw))!.toString('latin1');
    expect(out).toBe(
      'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nplain\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAQAC\r\n--b--\r\n',
    );
    expect(encodeBinaryParts(Buffer.from('Subject: x\r\n\r\nno nul\r\n'), parseMessage(Buffer.from('Subject: x\r\n\r\nno nul\r\n')))).toBeUndefined();
  });
});

describe('RFC 2045 §6.7 quoted-printable', () => {
  it('drops trailing whitespace, takes "=" with transport padding as a soft break, keeps a stray "="', () => {
    expect(decodeQp(Buffer.from('a  \r\nb= \t\r\nc=3D=\r\nd =x')).toString()).toBe('a\r\nbc=d =x');
  });
});
