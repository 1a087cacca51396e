import { describe, it, expect } from 'vitest';
import { Framer, type FrameEvent } from '../../../src/imap/protocol/framing.js';
import { tokenize } from '../../../src/imap/protocol/tokenizer.js';
import { literalBuffer, type Token } from '../../../src/imap/protocol/tokens.js';

function frame(input: string | Buffer, opts: { maxLineBytes?: number; limit?: number } = {}): FrameEvent[] {
  const f = new Framer({ maxLineBytes: opts.maxLineBytes ?? 1000, literalLimit: () => opts.limit ?? 100_000 });
  return f.push(typeof input === 'string' ? Buffer.from(input) : input);
}

function tok(input: string): { tag: string; tokens: Token[] } {
  const ev = frame(input).filter((e) => e.kind === 'command');
  if (ev.length !== 1 || ev[0]!.kind !== 'command') throw new Error('no command');
  return tokenize(ev[0]!.command);
}

function plain(t: Token): unknown {
  switch (t.type) {
    case 'atom':
      return t.section ? { atom: t.value, section: t.section.map(plain), partial: t.partial } : t.value;
    case 'string':
      return { q: t.value };
    case 'nil':
      return null;
    case 'list':
      return t.items.map(plain);
    case 'literal':
      return { lit: literalBuffer(t).toString() };
  }
}

describe('tokenizer (RFC 3501 §9)', () => {
  it('atoms, quoted strings with escapes, NIL, lists', () => {
    const { tag, tokens } = tok('a1 LOGIN "us\\"er" "p\\\\w" NIL (\\Seen $Junk (x))\r\n');
    expect(tag).toBe('a1');
    expect(tokens.map(plain)).toEqual(['LOGIN', { q: 'us"er' }, { q: 'p\\w' }, null, ['\\Seen', '$Junk', ['x']]]);
  });

  it('fetch atoms with section and partial', () => {
    const { tokens } = tok('a FETCH 1:* (UID BODY.PEEK[1.2.HEADER.FIELDS (FROM TO)]<0.2048> BODY[] RFC822.SIZE)\r\n');
    expect(tokens.map(plain)).toEqual([
      'FETCH',
      '1:*',
      [
        'UID',
        { atom: 'BODY.PEEK', section: ['1.2.HEADER.FIELDS', ['FROM', 'TO']], partial: { offset: 0, length: 2048 } },
        { atom: 'BODY', section: [], partial: undefined },
        'RFC822.SIZE',
      ],
    ]);
  });

  it('unquoted [Gmail]/Sent is one atom', () => {
    expect(tok('a SELECT [Gmail]/Sent\r\n').tokens.map(plain)).toEqual(['SELECT', '[Gmail]/Sent']);
  });

  it('synchronizing and non-synchronizing literals', () => {
    const ev = frame('a LOGIN {4}\r\nuser {5+}\r\npa ss\r\n');
    expect(ev.map((e) => e.kind)).toEqual(['continue', 'command']);
    const c = ev[1]!;
    if (c.kind !== 'command') throw new Error();
    expect(tokenize(c.command).tokens.map(plain)).toEqual(['LOGIN', { lit: 'user' }, { lit: 'pa ss' }]);
  });

  it('literal split across pushes is kept as chunks', () => {
    const f = new Framer({ maxLineBytes: 100, literalLimit: () => 1_000_000 });
    const big = Buffer.alloc(200_000, 0x61);
    const evs = [...f.push(Buffer.from('x APPEND INBOX {200000+}\r\n')), ...f.push(big.subarray(0, 70_000)), ...f.push(big.subarray(70_000)), ...f.push(Buffer.from('\r\n'))];
    expect(evs.map((e) => e.kind)).toEqual(['command']);
    const c = evs[0]!;
    if (c.kind !== 'command') throw new Error();
    const lit = c.command.literals[0]!;
    expect(lit.size).toBe(200_000);
    expect(lit.chunks.every((b) => b.length <= 65536)).toBe(true);
    expect(Buffer.concat(lit.chunks).equals(big)).toBe(true);
  });

  it('sync literal over the limit is rejected without continuation', () => {
    const ev = frame('t1 APPEND INBOX {500}\r\nt2 NOOP\r\n', { limit: 100 });
    expect(ev).toEqual([
      { kind: 'reject', tag: 't1', size: 500, limit: 100 },
      expect.objectContaining({ kind: 'command' }),
    ]);
  });

  it('non-sync literal over the limit is consumed, then rejected; the next command parses', () => {
    const ev = frame('t1 APPEND INBOX {20+}\r\n' + 'x'.repeat(20) + '\r\nt2 NOOP\r\n', { limit: 10 });
    expect(ev[0]).toEqual({ kind: 'reject', tag: 't1', size: 20, limit: 10 });
    expect(ev[1]!.kind).toBe('command');
    if (ev[1]!.kind === 'command') expect(tokenize(ev[1]!.command).tag).toBe('t2');
  });

  it('over-long line is dropped with its tag; the next command parses', () => {
    const ev = frame('t1 NOOP ' + 'a'.repeat(200) + '\r\nt2 NOOP\r\n', { maxLineBytes: 100 });
    expect(ev[0]).toEqual({ kind: 'too-long', tag: 't1', limit: 100 });
    expect(ev[1]!.kind).toBe('command');
  });

  it.each([
    ['a LOGIN "abc\r\n', 'Unterminated quoted string'],
    ['a LOGIN "a\\b" x\r\n', 'Invalid escape'],
    ['a X (a (b)\r\n', 'Missing ")"'],
    ['a X a)\r\n', 'Unexpected ")"'],
    ['a X ' + '('.repeat(20) + ')'.repeat(20) + '\r\n', 'Too deeply nested'],
    ['a\r\n', 'Missing command'],
    ['a X BODY[1\r\n', 'Missing "]"'],
    ['a X BODY[]<a>\r\n', 'Invalid partial'],
  ])('syntax error %j', (input, msg) => {
    expect(() => tok(input)).toThrow(msg);
  });
});

describe('framing limits', () => {
  it('many empty literals cannot grow a command past the line limit', () => {
    const f = new Framer({ maxLineBytes: 100, literalLimit: () => 1_000_000 });
    let evs: FrameEvent[] = [];
    evs = evs.concat(f.push(Buffer.from('t1 X {0+}\r\n')));
    for (let i = 0; i < 100; i++) evs = evs.concat(f.push(Buffer.from('{0+}\r\n')));
    evs = evs.concat(f.push(Buffer.from('\r\nt2 NOOP\r\n')));
    expect(evs[0]).toEqual({ kind: 'too-long', tag: 't1', limit: 100 });
    expect(evs.filter((e) => e.kind === 'command')).toHaveLength(2);
  });
});

describe('oversized LITERAL+ when discarding is not allowed', () => {
  it('emits a fatal reject and ignores the rest', () => {
    const f = new Framer({ maxLineBytes: 100, literalLimit: () => 10, discardOversized: () => false });
    const evs = f.push(Buffer.from('t1 LOGIN {50+}\r\n' + 'x'.repeat(50) + '\r\nt2 NOOP\r\n'));
    expect(evs).toEqual([{ kind: 'reject', tag: 't1', size: 50, limit: 10, fatal: true }]);
    expect(f.push(Buffer.from('t3 NOOP\r\n'))).toEqual([]);
  });
});
