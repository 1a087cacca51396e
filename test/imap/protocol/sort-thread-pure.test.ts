/**
 * The pure pieces of SORT / THREAD / ESEARCH: base subject extraction (RFC 5256
 * §2.1), sort keys (RFC 5256 §3, RFC 5957), the REFERENCES and ORDEREDSUBJECT
 * algorithms with the §4 encoding, the ESEARCH encoder (RFC 4731 §3.1) and `$`
 * (RFC 5182 §2.1).
 */
import { describe, it, expect } from 'vitest';
import { baseSubject } from '../../../src/mime/base-subject.js';
import { sortFields } from '../../../src/mime/sort-fields.js';
import { parseMessage } from '../../../src/mime/parse.js';
import { threadReferences, threadOrderedSubject, encodeThreads, type ThreadInput } from '../../../src/imap/sort/thread.js';
import { sortUids } from '../../../src/imap/sort/order.js';
import { encodeEsearch, parseReturnOptions, savedPart } from '../../../src/imap/protocol/esearch.js';
import { formatOrderedSet, parseSequenceSet } from '../../../src/imap/protocol/sequence.js';
import { tokenizeArgs } from '../../../src/imap/protocol/tokenizer.js';

describe('base subject (RFC 5256 §2.1)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['Re: hello', 'hello', true],
    ['RE: Re: re:hello', 'hello', true],
    ['Fwd: hello', 'hello', true],
    ['Fw: hello (fwd)', 'hello', true],
    ['[list] Re: [list] hello', 'hello', true],
    ['[foo] Fwd: [bar] Re: fw: b (fWd)  (fwd)', 'b', true],
    ['Re: [FWD: c]', 'c', true],
    ['re: [fwd: [fwd: re: [fwd: babylon]]]', 'babylon', true],
    ['[xyz]', '[xyz]', false],
    ['[tag] plain', 'plain', false],
    ['b (a)', 'b (a)', false],
    ['Ad: Re: x', 'Ad: Re: x', false],
    ['  spaced \t  out  ', 'spaced out', false],
    ['Re: Налоги\r\n за 2025', 'Налоги за 2025', true],
    ['', '', false],
  ];
  it.each(cases)('%j → %j', (subject, base, reply) => {
    expect(baseSubject(subject)).toEqual({ base, reply });
  });
});

describe('sort fields at ingest', () => {
  it('folded subject, first addresses and display names, Message-ID and References', () => {
    const raw = Buffer.from(
      'From: =?UTF-8?B?0JDQvdC90LA=?= <Anna@Example.org>, b@example.org\r\nTo: team: x@example.org;\r\nCc: Cc@example.org\r\n' +
        'Subject: Re: [list] =?UTF-8?B?0L3QsNC70L7Qs9C4?=\r\nMessage-ID: <ID1@Example.org>\r\nIn-Reply-To: <p@x>\r\nReferences: <r1@x>\r\n  <r2@x>\r\n\r\nbody\r\n',
    );
    const p = parseMessage(raw);
    const f = sortFields(p.envelope, p.search.headers);
    expect(f).toEqual({
      subjectKey: 'НАЛОГИ',
      reply: true,
      fromKey: 'ANNA',
      toKey: 'TEAM',
      ccKey: 'CC',
      displayFromKey: 'АННА',
      displayToKey: 'TEAM',
      messageId: '<id1@example.org>',
      parents: '<r1@x> <r2@x>',
    });
    const q = parseMessage(Buffer.from('From: x@y\r\nIn-Reply-To: <a@b> <c@d>\r\nMessage-ID: junk\r\n\r\n'));
    expect(sortFields(q.envelope, q.search.headers)).toMatchObject({ messageId: '', parents: '<a@b>', displayFromKey: 'X@Y' });
  });
});

describe('SORT order', () => {
  it('criteria in turn, REVERSE per key, ties in mailbox order, only the matching uids', () => {
    const uids = [1, 2, 3, 4, 5];
    const size = [10, 20, 10, 30, 20];
    const subj = ['B', 'A', 'A', 'B', 'A'];
    expect(sortUids({ uids, values: [size], criteria: [{ key: 'size', reverse: false }] })).toEqual([1, 3, 2, 5, 4]);
    expect(sortUids({ uids, values: [size], criteria: [{ key: 'size', reverse: true }] })).toEqual([4, 2, 5, 1, 3]);
    expect(sortUids({ uids, values: [subj, size], criteria: [{ key: 'subject', reverse: false }, { key: 'size', reverse: true }] })).toEqual([2, 5, 3, 4, 1]);
    expect(sortUids({ uids, values: [size], criteria: [{ key: 'size', reverse: false }], only: new Set([2, 4, 5]) })).toEqual([2, 5, 4]);
  });
});

function input(rows: Array<{ id?: string; refs?: string; subject?: string; reply?: boolean; date?: number }>): ThreadInput {
  return {
    dates: rows.map((r, i) => r.date ?? i),
    subjects: rows.map((r) => r.subject ?? ''),
    replies: rows.map((r) => (r.reply ? 1 : 0)),
    messageIds: rows.map((r) => r.id ?? ''),
    parents: rows.map((r) => r.refs ?? ''),
    members: rows.map((_, i) => i),
  };
}
const seq = (i: number) => i + 1;

describe('THREAD=REFERENCES', () => {
  it('a reply chain, siblings by date, an unknown parent as a dummy root', () => {
    const t = input([
      { id: '<a>' },
      { id: '<b>', refs: '<a>', date: 5 },
      { id: '<c>', refs: '<a>', date: 3 },
      { id: '<d>', refs: '<a> <c>' },
      { id: '<e>', refs: '<zz>', subject: 'X' },
      { id: '<f>', refs: '<zz>', subject: 'X' },
    ]);
    expect(encodeThreads(threadReferences(t), seq)).toBe('(1 (3 4)(2))((5)(6))');
  });

  it('messages without ids or with duplicate ids stand alone; a loop is not made', () => {
    const t = input([{ id: '<a>', refs: '<b>' }, { id: '<b>', refs: '<a>' }, {}, { id: '<a>' }]);
    expect(encodeThreads(threadReferences(t), seq)).toBe('(2 1)(3)(4)');
  });

  it('roots with one base subject: a reply goes under the non-reply, two non-replies under a dummy', () => {
    const t = input([
      { id: '<1>', subject: 'S', reply: true, date: 1 },
      { id: '<2>', subject: 'S', date: 2 },
      { id: '<3>', subject: 'T', date: 3 },
      { id: '<4>', subject: 'T', date: 4 },
      { id: '<5>', subject: '', date: 5 },
      { id: '<6>', subject: '', date: 6 },
    ]);
    expect(encodeThreads(threadReferences(t), seq)).toBe('(2 1)((3)(4))(5)(6)');
  });

  it('a 50,000-message reply chain is threaded and encoded without recursion limits', () => {
    const n = 50_000;
    const rows = Array.from({ length: n }, (_, i) => ({ id: `<m${i}>`, refs: i ? `<m${i - 1}>` : '' }));
    const out = encodeThreads(threadReferences(input(rows)), seq);
    expect(out.startsWith('(1 2 3 ')).toBe(true);
    expect(out.endsWith(` ${n})`)).toBe(true);
  });
});

describe('THREAD=ORDEREDSUBJECT', () => {
  it('groups by base subject, children by date, threads by the date of their first message', () => {
    const t = input([
      { subject: 'B', date: 1 },
      { subject: 'A', date: 4 },
      { subject: 'B', date: 3 },
      { subject: 'A', date: 2 },
      { subject: 'B', date: 2 },
    ]);
    expect(encodeThreads(threadOrderedSubject(t), seq)).toBe('(1 (5)(3))(4 2)');
  });
});

describe('ESEARCH encoding and result options', () => {
  const opts = (s: string) => parseReturnOptions(tokenizeArgs([`(${s})`])[0], 'SEARCH');
  it('RETURN () is ALL; unknown options are refused', () => {
    expect(opts('')).toEqual({ min: false, max: false, all: true, count: false, save: false });
    expect(opts('min COUNT save')).toEqual({ min: true, max: false, all: false, count: true, save: true });
    expect(() => opts('FIRST')).toThrow(/unknown RETURN option/);
  });
  it('MIN MAX COUNT ALL in RFC 4731 order, nothing but COUNT for no match, ESORT keeps sort order', () => {
    const all = opts('ALL MIN MAX COUNT');
    expect(encodeEsearch({ tag: 'a"1', uid: true, options: all, matches: [7, 3, 4, 5, 9] })).toBe('* ESEARCH (TAG "a\\"1") UID MIN 3 MAX 9 COUNT 5 ALL 3:5,7,9');
    expect(encodeEsearch({ tag: 'a', uid: false, options: all, matches: [] })).toBe('* ESEARCH (TAG "a") COUNT 0');
    expect(encodeEsearch({ tag: 'a', uid: false, options: all, matches: [5, 3, 4, 2, 1], sorted: true, modseq: 9 })).toBe('* ESEARCH (TAG "a") MIN 5 MAX 1 COUNT 5 ALL 5,3:4,2,1 MODSEQ 9');
    expect(formatOrderedSet([1, 2, 3, 10, 9])).toBe('1:3,10,9');
  });
  it('SAVE keeps MIN/MAX only when they are all that was asked (RFC 5182 §2.1)', () => {
    expect(savedPart(opts('SAVE MIN'), [4, 2, 8])).toEqual([2]);
    expect(savedPart(opts('SAVE MIN MAX'), [4, 2, 8])).toEqual([2, 8]);
    expect(savedPart(opts('SAVE MIN COUNT'), [4, 2, 8])).toEqual([2, 4, 8]);
    expect(savedPart(opts('SAVE MAX'), [4, 2, 8], true)).toEqual([8]);
  });
  it('$ parses to the saved-result marker', () => {
    const s = parseSequenceSet('$');
    expect(s.saved).toBe(true);
    expect(s).toHaveLength(0);
    expect(parseSequenceSet('1:2').saved).toBeUndefined();
  });
});
