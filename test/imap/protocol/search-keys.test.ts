import { describe, it, expect } from 'vitest';
import { tokenizeArgs } from '../../../src/imap/protocol/tokenizer.js';
import { parseSearch, BadCharsetError } from '../../../src/imap/protocol/search-keys.js';
import { parseFetchRequest } from '../../../src/imap/protocol/fetch-attrs.js';
import { parseStoreArgs } from '../../../src/imap/protocol/flags-arg.js';
import { ProtocolError } from '../../../src/imap/protocol/errors.js';

const ps = (s: string) => parseSearch(tokenizeArgs([s]));

describe('SEARCH keys (RFC 3501 §6.4.4)', () => {
  it('builds the tree; implicit AND, OR, NOT, groups, sets', () => {
    expect(ps('ALL').key).toEqual({ op: 'all' });
    expect(ps('UNSEEN FROM "Анна" 1:5').key).toEqual({
      op: 'and',
      keys: [{ op: 'flag', flag: '\\Seen', has: false }, { op: 'text', field: 'from', value: 'Анна' }, { op: 'seq', set: [{ from: 1, to: 5 }] }],
    });
    expect(ps('OR (SEEN FLAGGED) NOT UID 3:*').key).toEqual({
      op: 'or',
      a: { op: 'and', keys: [{ op: 'flag', flag: '\\Seen', has: true }, { op: 'flag', flag: '\\Flagged', has: true }] },
      b: { op: 'not', key: { op: 'uid', set: [{ from: 3, to: '*' }] } },
    });
    expect(ps('SINCE 1-Feb-1994').key).toEqual({ op: 'date', field: 'internal', cmp: 'since', day: Date.UTC(1994, 1, 1) });
    expect(ps('SENTON 5-Jan-2026').key).toMatchObject({ field: 'sent', cmp: 'on' });
    expect(ps('HEADER X-Mailer ""').key).toEqual({ op: 'header', name: 'X-Mailer', value: '' });
    expect(ps('LARGER 100').key).toEqual({ op: 'size', cmp: 'larger', n: 100 });
    expect(ps('KEYWORD $Work').key).toEqual({ op: 'keyword', keyword: '$Work', has: true });
    expect(ps('NEW').key).toEqual({ op: 'new' });
    expect(ps('MODSEQ "/flags/\\\\draft" all 620162338')).toMatchObject({ usesModseq: true, key: { op: 'modseq', n: 620162338 } });
    expect(ps('CHARSET utf-8 TEXT x').charset).toBe('UTF-8');
  });
  it('refuses unknown charsets and malformed criteria', () => {
    expect(() => ps('CHARSET KOI8-R TEXT x')).toThrow(BadCharsetError);
    for (const bad of ['', 'BOGUS', 'FROM', 'OR SEEN', 'NOT', 'SINCE x', 'LARGER x', '()', 'UID abc', 'HEADER X']) {
      expect(() => ps(bad), bad).toThrow(ProtocolError);
    }
  });
});

describe('parsers under random input', () => {
  it('throw only ProtocolError / BadCharsetError', () => {
    const words = ['ALL', 'OR', 'NOT', '(', ')', 'FROM', '"x"', '1:*', '*', '0', 'UID', 'BODY[', 'BODY[1.2]', 'BODY.PEEK[HEADER.FIELDS', '(A B)', ']', '<0.5>', 'FLAGS', '+FLAGS', '\\Seen', 'CHARSET', 'UTF-8', 'SINCE', '1-Jan-2020', 'MODSEQ', '5', 'CHANGEDSINCE', 'VANISHED', 'HEADER', '"ж"'];
    let seed = 12345;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (let i = 0; i < 5000; i++) {
      const line = Array.from({ length: 1 + rnd(8) }, () => words[rnd(words.length)]).join(' ');
      let tokens;
      try {
        tokens = tokenizeArgs([line]);
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
        continue;
      }
      for (const f of [parseSearch, parseFetchRequest, parseStoreArgs]) {
        try {
          f(tokens);
        } catch (e) {
          if (!(e instanceof ProtocolError) && !(e instanceof BadCharsetError)) throw new Error(`${f.name}(${line}): ${String(e)}`);
        }
      }
    }
  });
});
