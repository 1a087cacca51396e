/**
 * Tokenizer for one framed command (RFC 3501 §9 formal syntax): atoms, quoted strings
 * with `\\` and `\"` escapes, literals (RFC 3501 §4.3, RFC 7888, RFC 3516 literal8),
 * NIL, parenthesized lists (depth-limited) and fetch-style atoms with a section and a
 * partial: `BODY.PEEK[1.2.HEADER.FIELDS (FROM TO)]<0.2048>` (RFC 3501 §6.4.5).
 *
 * Lenient where real clients are sloppy: repeated spaces, `]` inside plain atoms
 * (`[Gmail]/Sent` unquoted). Strict where it matters: unterminated strings, bad escapes,
 * unbalanced parentheses, control characters → ProtocolError (tagged BAD). Pure.
 */
import type { Token, AtomToken, ListToken, LiteralToken, Partial } from './tokens.js';
import type { FramedCommand } from './framing.js';
import { ProtocolError } from './errors.js';

/** Fetch items whose `[` always starts a section (a broken one is a syntax error). */
const SECTIONED = /^(BODY|BODY\.PEEK|BINARY|BINARY\.PEEK|BINARY\.SIZE)$/i;

export const MAX_LIST_DEPTH = 16;

/** A parsed command line: tag, then every other token (the command name is tokens[0]). */
export interface TokenizedCommand {
  tag: string;
  tokens: Token[];
}

const TAG_RE = /^[^\s(){%*"\\\]+\x00-\x1f\x7f]+$/;

export function tokenize(cmd: FramedCommand): TokenizedCommand {
  const t = new Tokenizer(cmd.lines, cmd.literals);
  const tag = t.readTag();
  const tokens = t.readAll();
  return { tag, tokens };
}

/** Tokenize arguments only (tests, and continuation lines). */
export function tokenizeArgs(lines: string[], literals: LiteralToken[] = []): Token[] {
  return new Tokenizer(lines, literals).readAll();
}

class Tokenizer {
  private li = 0;
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly lines: string[],
    private readonly literals: LiteralToken[],
  ) {}

  private get line(): string {
    return this.lines[this.li]!;
  }

  readTag(): string {
    const line = this.line;
    const sp = line.indexOf(' ');
    const tag = sp < 0 ? line : line.slice(0, sp);
    if (!tag) throw new ProtocolError('Missing tag');
    if (!TAG_RE.test(tag)) throw new ProtocolError('Invalid tag');
    if (sp < 0 || this.li !== 0 || (sp === line.length - 1 && this.lines.length === 1))
      throw new ProtocolError('Missing command');
    this.pos = sp + 1;
    return tag;
  }

  readAll(): Token[] {
    const out: Token[] = [];
    for (;;) {
      this.skipSpaces();
      if (this.atEnd()) return out;
      const c = this.line[this.pos]!;
      if (c === ')') throw new ProtocolError('Unexpected ")"');
      out.push(this.readToken(false));
    }
  }

  private atEnd(): boolean {
    return this.li === this.lines.length - 1 && this.pos >= this.line.length;
  }

  private skipSpaces(): void {
    while (this.pos < this.line.length && this.line[this.pos] === ' ') this.pos++;
  }

  /** At a literal placeholder `{}` / `~{}` that ends the current line? */
  private atLiteral(): boolean {
    const rest = this.line.slice(this.pos);
    return (rest === '{}' || rest === '~{}') && this.li < this.lines.length - 1;
  }

  private readToken(inSection: boolean): Token {
    const line = this.line;
    const c = line[this.pos]!;
    if (c === '(') return this.readList(inSection);
    if (c === '"') return { type: 'string', value: this.readQuoted() };
    if (this.atLiteral()) {
      const lit = this.literals[this.li]!;
      this.li++;
      this.pos = 0;
      return lit;
    }
    if (c === '{' || (c === '~' && line[this.pos + 1] === '{')) throw new ProtocolError('Literal must end the line');
    return this.readAtom(inSection);
  }

  private readList(inSection: boolean): ListToken {
    if (++this.depth > MAX_LIST_DEPTH) throw new ProtocolError(`Too deeply nested lists (limit ${MAX_LIST_DEPTH})`);
    this.pos++; // (
    const items: Token[] = [];
    for (;;) {
      this.skipSpaces();
      if (this.pos >= this.line.length) {
        if (this.li >= this.lines.length - 1) throw new ProtocolError('Missing ")"');
        throw new ProtocolError('Literal must end the line');
      }
      const c = this.line[this.pos]!;
      if (c === ')') {
        this.pos++;
        this.depth--;
        return { type: 'list', items };
      }
      if (inSection && c === ']') throw new ProtocolError('Missing ")" in section');
      items.push(this.readToken(inSection));
    }
  }

  private readQuoted(): string {
    const line = this.line;
    let i = this.pos + 1;
    let out = '';
    let start = i;
    for (;;) {
      if (i >= line.length) throw new ProtocolError('Unterminated quoted string');
      const ch = line.charCodeAt(i);
      if (ch === 0x22) break; // "
      if (ch === 0x5c) {
        const nx = line[i + 1];
        if (nx !== '\\' && nx !== '"') throw new ProtocolError('Invalid escape in quoted string (only \\\\ and \\" allowed)');
        out += line.slice(start, i) + nx;
        i += 2;
        start = i;
        continue;
      }
      if (ch === 0x0d || ch === 0x0a || ch === 0) throw new ProtocolError('Control character in quoted string');
      i++;
    }
    out += line.slice(start, i);
    this.pos = i + 1;
    this.expectDelimiter();
    return out;
  }

  /** After a string, list or atom: SP, ')', ']', '(' (section lists) or end of line. */
  private expectDelimiter(): void {
    const c = this.line[this.pos];
    if (c === undefined || c === ' ' || c === ')' || c === ']') return;
    throw new ProtocolError(`Unexpected "${c}" after string`);
  }

  private readAtom(inSection: boolean): Token {
    const li0 = this.li;
    const line = this.line;
    const start = this.pos;
    let i = this.pos;
    for (; i < line.length; i++) {
      const ch = line.charCodeAt(i);
      if (ch === 0x20 || ch === 0x28 || ch === 0x29) break; // SP ( )
      if (ch === 0x5d && inSection) break; // ]
      if (ch === 0x5b && i > start && !inSection) break; // [ starts a section
      if (ch < 0x20 || ch === 0x7f) throw new ProtocolError('Control character in command');
      if (ch === 0x22) throw new ProtocolError('Unexpected quote inside an atom');
      if (ch === 0x7b) throw new ProtocolError('Unexpected "{" inside an atom');
    }
    const value = line.slice(start, i);
    if (!value) throw new ProtocolError(`Unexpected "${line[i] ?? 'end of line'}"`);
    this.pos = i;
    if (line[i] === '[' && !inSection) {
      const depth0 = this.depth;
      try {
        return this.readSectioned(value, start);
      } catch (err) {
        // Not a section: `[` and `]` are ASTRING-CHARs (RFC 3501 §9), so an astring
        // such as a mailbox name `a[b` is one atom up to the next SP, "(" or ")".
        if (!(err instanceof ProtocolError) || this.li !== li0 || SECTIONED.test(value)) throw err;
        this.depth = depth0;
        return this.readPlainAtom(start);
      }
    }
    if (value.toUpperCase() === 'NIL') return { type: 'nil', raw: value };
    return { type: 'atom', value, raw: value };
  }

  /** An atom with `[` / `]` in it taken as plain characters (an astring, not a fetch item). */
  private readPlainAtom(start: number): Token {
    const line = this.line;
    let i = start;
    for (; i < line.length; i++) {
      const ch = line.charCodeAt(i);
      if (ch === 0x20 || ch === 0x28 || ch === 0x29) break;
      if (ch < 0x20 || ch === 0x7f || ch === 0x22 || ch === 0x7b) throw new ProtocolError('Invalid character in atom');
    }
    this.pos = i;
    const value = line.slice(start, i);
    return { type: 'atom', value, raw: value };
  }

  /** `NAME[section]<partial>` — the `[` is at this.pos. */
  private readSectioned(value: string, start: number): AtomToken {
    const li = this.li;
    this.pos++; // [
    const section: Token[] = [];
    for (;;) {
      this.skipSpaces();
      if (this.li !== li) throw new ProtocolError('Literal inside a section is not supported');
      if (this.pos >= this.line.length) throw new ProtocolError('Missing "]"');
      if (this.line[this.pos] === ']') {
        this.pos++;
        break;
      }
      section.push(this.readToken(true));
    }
    let partial: Partial | undefined;
    if (this.line[this.pos] === '<') {
      const m = /^<(\d{1,10})(?:\.(\d{1,10}))?>/.exec(this.line.slice(this.pos));
      if (!m) throw new ProtocolError('Invalid partial <offset.length>');
      partial = { offset: Number(m[1]) };
      if (m[2] !== undefined) {
        partial.length = Number(m[2]);
        if (partial.length === 0) throw new ProtocolError('Partial length must be greater than 0');
      }
      if (partial.offset > 0xffffffff || (partial.length ?? 0) > 0xffffffff) throw new ProtocolError('Partial out of range');
      this.pos += m[0].length;
    }
    const c = this.line[this.pos];
    if (c !== undefined && c !== ' ' && c !== ')') throw new ProtocolError(`Unexpected "${c}" after section`);
    const tok: AtomToken = { type: 'atom', value, section, raw: this.line.slice(start, this.pos) };
    if (partial) tok.partial = partial;
    return tok;
  }
}
