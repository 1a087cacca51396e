/**
 * Sieve lexical structure (RFC 5228 §2.2–§2.4, §8.1): comments (`#` to the end of
 * the line, bracketed), identifiers, tags (`:name`), numbers with the K/M/G
 * quantifiers, quoted strings (only `\"` and `\\` are escapes, §2.4.2) and
 * multi-line strings (`text:` … a line holding only `.`, dot-stuffed, §2.4.2),
 * and the punctuation `; , ( ) [ ] { }`. Every token carries its line and column
 * (1-based) so an error names where it is. Pure: no I/O.
 */
import { SieveSyntaxError, type Position } from './errors.js';

export type TokenKind = 'identifier' | 'tag' | 'number' | 'string' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** identifier/tag: lower-cased name (without ':'); string: its value; punct: the character. */
  text: string;
  /** number: its value with the quantifier applied. */
  value?: number;
  pos: Position;
}

const QUANT: Record<string, number> = { k: 1024, m: 1024 * 1024, g: 1024 * 1024 * 1024 };

export function tokenize(src: string): Token[] {
  return new Lexer(src).all();
}

class Lexer {
  private i = 0;
  private line = 1;
  private col = 1;
  private readonly out: Token[] = [];

  constructor(private readonly src: string) {}

  private at(): Position {
    return { line: this.line, column: this.col };
  }

  private advance(n: number): void {
    for (let k = 0; k < n; k++) {
      if (this.src[this.i] === '\n') {
        this.line++;
        this.col = 1;
      } else this.col++;
      this.i++;
    }
  }

  private fail(pos: Position, msg: string): never {
    throw new SieveSyntaxError(pos, msg);
  }

  all(): Token[] {
    const { src } = this;
    while (this.i < src.length) {
      const c = src[this.i]!;
      const pos = this.at();
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.advance(1);
      else if (c === '#') while (this.i < src.length && src[this.i] !== '\n') this.advance(1);
      else if (c === '/' && src[this.i + 1] === '*') {
        const end = src.indexOf('*/', this.i + 2);
        if (end < 0) this.fail(pos, 'unterminated comment: "/*" without "*/"');
        this.advance(end + 2 - this.i);
      } else if (c === '"') this.out.push({ kind: 'string', text: this.quoted(pos), pos });
      else if (/[;,()[\]{}]/.test(c)) {
        this.out.push({ kind: 'punct', text: c, pos });
        this.advance(1);
      } else if (/[0-9]/.test(c)) this.number(pos);
      else if (c === ':' || /[A-Za-z_]/.test(c)) this.word(pos);
      else this.fail(pos, `unexpected character ${JSON.stringify(c)}`);
    }
    this.out.push({ kind: 'eof', text: '', pos: this.at() });
    return this.out;
  }

  /** A quoted string (§2.4.2): "\" followed by any character is that character. */
  private quoted(pos: Position): string {
    const { src } = this;
    this.advance(1);
    let value = '';
    for (;;) {
      if (this.i >= src.length) this.fail(pos, 'unterminated string: a quoted string without its closing \'"\'');
      const d = src[this.i]!;
      if (d === '"') {
        this.advance(1);
        return value.replace(/\r?\n/g, '\r\n');
      }
      if (d === '\\' && this.i + 1 < src.length) {
        value += src[this.i + 1]!;
        this.advance(2);
        continue;
      }
      value += d;
      this.advance(1);
    }
  }

  private number(pos: Position): void {
    const m = /^([0-9]+)([kKmMgG]?)/.exec(this.src.slice(this.i, this.i + 32))!;
    const n = Number(m[1]) * (m[2] ? QUANT[m[2].toLowerCase()]! : 1);
    if (!Number.isSafeInteger(n)) this.fail(pos, `number too large: ${m[0]}`);
    this.out.push({ kind: 'number', text: m[0], value: n, pos });
    this.advance(m[0].length);
  }

  private word(pos: Position): void {
    const m = /^:?[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.i, this.i + 256));
    if (!m) this.fail(pos, 'a tag needs a name after ":"');
    const word = m![0];
    if (word.toLowerCase() === 'text' && this.src[this.i + 4] === ':') {
      this.advance(5);
      this.out.push({ kind: 'string', text: this.multiLine(), pos });
      return;
    }
    this.out.push(word.startsWith(':') ? { kind: 'tag', text: word.slice(1).toLowerCase(), pos } : { kind: 'identifier', text: word.toLowerCase(), pos });
    this.advance(word.length);
  }

  /** After `text:`: white space or a comment to the end of the line, then lines up to "." alone (§2.4.2). */
  private multiLine(): string {
    const { src } = this;
    const start = this.at();
    while (this.i < src.length && (src[this.i] === ' ' || src[this.i] === '\t')) this.advance(1);
    if (src[this.i] === '#') while (this.i < src.length && src[this.i] !== '\n') this.advance(1);
    if (src[this.i] === '\r') this.advance(1);
    if (src[this.i] !== '\n') this.fail(start, 'after "text:" the line must end (only a comment may follow)');
    this.advance(1);
    const lines: string[] = [];
    for (;;) {
      if (this.i >= src.length) this.fail(start, 'unterminated multi-line string: no line holding only "."');
      let nl = src.indexOf('\n', this.i);
      if (nl < 0) nl = src.length;
      let text = src.slice(this.i, nl);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      this.advance(Math.min(nl + 1, src.length) - this.i);
      if (text === '.') break;
      lines.push(text.startsWith('..') ? text.slice(1) : text);
    }
    return lines.map((l) => l + '\r\n').join('');
  }
}
