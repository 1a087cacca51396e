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
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  const at = (): Position => ({ line, column: col });
  const advance = (n: number): void => {
    for (let k = 0; k < n; k++) {
      if (src[i] === '\n') {
        line++;
        col = 1;
      } else col++;
      i++;
    }
  };
  const fail = (pos: Position, msg: string): never => {
    throw new SieveSyntaxError(pos, msg);
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      advance(1);
      continue;
    }
    const pos = at();
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') advance(1);
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) fail(pos, 'unterminated comment: "/*" without "*/"');
      advance(end + 2 - i);
      continue;
    }
    if (c === '"') {
      advance(1);
      let value = '';
      for (;;) {
        if (i >= src.length) fail(pos, 'unterminated string: a quoted string without its closing \'"\'');
        const d = src[i]!;
        if (d === '"') {
          advance(1);
          break;
        }
        if (d === '\\' && i + 1 < src.length) {
          // §2.4.2: "\" followed by any character is that character.
          value += src[i + 1]!;
          advance(2);
          continue;
        }
        value += d;
        advance(1);
      }
      out.push({ kind: 'string', text: value.replace(/\r?\n/g, '\r\n'), pos });
      continue;
    }
    if (/[;,()[\]{}]/.test(c)) {
      out.push({ kind: 'punct', text: c, pos });
      advance(1);
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^([0-9]+)([kKmMgG]?)/.exec(src.slice(i, i + 32))!;
      const n = Number(m[1]) * (m[2] ? QUANT[m[2].toLowerCase()]! : 1);
      if (!Number.isSafeInteger(n)) fail(pos, `number too large: ${m[0]}`);
      out.push({ kind: 'number', text: m[0], value: n, pos });
      advance(m[0].length);
      continue;
    }
    if (c === ':' || /[A-Za-z_]/.test(c)) {
      const m = /^:?[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 256));
      if (!m) fail(pos, 'a tag needs a name after ":"');
      const word = m![0];
      if (word.toLowerCase() === 'text:' || (word.toLowerCase() === 'text' && src[i + 4] === ':')) {
        advance(5);
        out.push({ kind: 'string', text: multiLine(), pos });
        continue;
      }
      out.push(word.startsWith(':') ? { kind: 'tag', text: word.slice(1).toLowerCase(), pos } : { kind: 'identifier', text: word.toLowerCase(), pos });
      advance(word.length);
      continue;
    }
    fail(pos, `unexpected character ${JSON.stringify(c)}`);
  }
  out.push({ kind: 'eof', text: '', pos: at() });
  return out;

  /** After `text:`: white space or a comment to the end of the line, then lines up to "." alone (§2.4.2). */
  function multiLine(): string {
    const start = at();
    while (i < src.length && (src[i] === ' ' || src[i] === '\t')) advance(1);
    if (src[i] === '#') while (i < src.length && src[i] !== '\n') advance(1);
    if (src[i] === '\r') advance(1);
    if (src[i] !== '\n') fail(start, 'after "text:" the line must end (only a comment may follow)');
    advance(1);
    const lines: string[] = [];
    for (;;) {
      if (i >= src.length) fail(start, 'unterminated multi-line string: no line holding only "."');
      let nl = src.indexOf('\n', i);
      if (nl < 0) nl = src.length;
      let text = src.slice(i, nl);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      advance(Math.min(nl + 1, src.length) - i);
      if (text === '.') break;
      lines.push(text.startsWith('..') ? text.slice(1) : text);
    }
    return lines.map((l) => l + '\r\n').join('');
  }
}
