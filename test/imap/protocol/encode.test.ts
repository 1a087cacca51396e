import { describe, it, expect } from 'vitest';
import { encodeMailboxName, decodeMailboxName } from '../../../src/imap/protocol/utf7.js';
import { astring, quoteString, nstring } from '../../../src/imap/protocol/quote.js';

describe('modified UTF-7 (RFC 3501 §5.1.3)', () => {
  it.each([
    ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
    ['Налоги', '&BB0EMAQ7BD4EMwQ4-'],
    ['A&B', 'A&-B'],
    ['INBOX', 'INBOX'],
    ['Entwürfe', 'Entw&APw-rfe'],
    ['😀', '&2D3eAA-'],
  ])('%s ↔ %s', (plain, enc) => {
    expect(encodeMailboxName(plain)).toBe(enc);
    expect(decodeMailboxName(enc)).toBe(plain);
  });

  it.each(['&Jjo', '&U,BTFw-&ZeVnLIqe-', '&AGE-', '&*-', '&2D0-'])('rejects %s', (bad) => {
    expect(() => decodeMailboxName(bad)).toThrow(/modified UTF-7/);
  });
});

describe('string encoding (RFC 3501 §4.3)', () => {
  it('atom, quoted, literal', () => {
    expect(astring('INBOX')).toBe('INBOX');
    expect(astring('NIL')).toBe('"NIL"');
    expect(astring('a b')).toBe('"a b"');
    expect(astring('a"b\\')).toBe('"a\\"b\\\\"');
    expect(quoteString('x\r\ny')).toBe('{4}\r\nx\r\ny');
    expect(quoteString('я')).toBe('{2}\r\nя');
    expect(quoteString('x'.repeat(2000))).toBe('{2000}\r\n' + 'x'.repeat(2000));
    expect(nstring(null)).toBe('NIL');
  });
});
