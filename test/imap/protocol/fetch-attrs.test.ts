import { describe, it, expect } from 'vitest';
import { tokenizeArgs } from '../../../src/imap/protocol/tokenizer.js';
import { parseFetchRequest } from '../../../src/imap/protocol/fetch-attrs.js';
import { parseStoreArgs, parseAppendArgs } from '../../../src/imap/protocol/flags-arg.js';
import type { LiteralToken } from '../../../src/imap/protocol/tokens.js';

const fr = (s: string) => parseFetchRequest(tokenizeArgs([s]));

describe('FETCH data items (RFC 3501 §6.4.5)', () => {
  it('expands the macros', () => {
    expect(fr('ALL').items.map((i) => i.kind)).toEqual(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE']);
    expect(fr('FAST').items.map((i) => i.kind)).toEqual(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE']);
    expect(fr('full').items.map((i) => i.kind)).toEqual(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY']);
  });
  it('parses sections, partials and labels', () => {
    const r = fr('(UID BODY.PEEK[1.2.HEADER.FIELDS (From to)]<0.2048> BODY[] BODY[3.MIME] body[TEXT]<5> RFC822 RFC822.HEADER RFC822.TEXT)');
    expect(r.items).toEqual([
      { kind: 'UID' },
      { kind: 'SECTION', label: 'BODY[1.2.HEADER.FIELDS (FROM TO)]<0>', section: { part: '1.2', text: 'HEADER.FIELDS', fields: ['From', 'to'] }, peek: true, partial: { offset: 0, length: 2048 } },
      { kind: 'SECTION', label: 'BODY[]', section: { part: '', text: '' }, peek: false },
      { kind: 'SECTION', label: 'BODY[3.MIME]', section: { part: '3', text: 'MIME' }, peek: false },
      { kind: 'SECTION', label: 'BODY[TEXT]<5>', section: { part: '', text: 'TEXT' }, peek: false, partial: { offset: 5 } },
      { kind: 'SECTION', label: 'RFC822', section: { part: '', text: '' }, peek: false },
      { kind: 'SECTION', label: 'RFC822.HEADER', section: { part: '', text: 'HEADER' }, peek: true },
      { kind: 'SECTION', label: 'RFC822.TEXT', section: { part: '', text: 'TEXT' }, peek: false },
    ]);
    expect(fr('BODY[HEADER.FIELDS.NOT (X-A)]').items[0]).toMatchObject({ section: { text: 'HEADER.FIELDS.NOT', fields: ['X-A'] } });
  });
  it('parses CONDSTORE modifiers (RFC 7162)', () => {
    expect(fr('(FLAGS) (CHANGEDSINCE 12345 VANISHED)')).toMatchObject({ changedSince: 12345, vanished: true });
    expect(fr('(FLAGS MODSEQ)').items.map((i) => i.kind)).toEqual(['FLAGS', 'MODSEQ']);
  });
  it('refuses bad items with a reason', () => {
    for (const bad of ['', '()', 'BOGUS', 'BODY.PEEK', 'BODY[MIME]', 'BODY[0]', 'BODY[1.X]', 'BODY[HEADER.FIELDS]', 'FLAGS[]', '(FLAGS) (VANISHED)', '(FLAGS) (CHANGEDSINCE x)', '(FLAGS) (FOO)']) {
      expect(() => fr(bad), bad).toThrow();
    }
  });
});

describe('STORE and APPEND arguments', () => {
  it('STORE forms', () => {
    expect(parseStoreArgs(tokenizeArgs(['+FLAGS.SILENT (\\seen $Work)']))).toEqual({ mode: 'add', silent: true, flags: ['\\Seen', '$Work'] });
    expect(parseStoreArgs(tokenizeArgs(['-FLAGS \\Deleted']))).toEqual({ mode: 'remove', silent: false, flags: ['\\Deleted'] });
    expect(parseStoreArgs(tokenizeArgs(['FLAGS ()']))).toEqual({ mode: 'set', silent: false, flags: [] });
    expect(parseStoreArgs(tokenizeArgs(['(UNCHANGEDSINCE 7) FLAGS (\\Seen)']))).toMatchObject({ unchangedSince: 7 });
    for (const bad of ['', 'FLAGS', 'XFLAGS (\\Seen)', 'FLAGS (\\Recent)', 'FLAGS (\\Bogus)', '(UNCHANGEDSINCE) FLAGS ()']) {
      expect(() => parseStoreArgs(tokenizeArgs([bad])), bad).toThrow();
    }
  });
  it('APPEND forms', () => {
    const lit: LiteralToken = { type: 'literal', size: 3, chunks: [Buffer.from('abc')], nonSync: false, binary: false };
    expect(parseAppendArgs([...tokenizeArgs(['(\\Seen) "17-Jul-1996 02:44:25 -0700"']), lit])).toEqual({
      flags: ['\\Seen'],
      date: Date.UTC(1996, 6, 17, 9, 44, 25),
      zone: -420,
      message: lit,
    });
    expect(parseAppendArgs([lit])).toEqual({ flags: [], message: lit });
    expect(() => parseAppendArgs(tokenizeArgs(['(\\Seen)']))).toThrow();
    expect(() => parseAppendArgs([...tokenizeArgs(['"bad date"']), lit])).toThrow();
  });
});
