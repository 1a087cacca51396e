/**
 * Reading command arguments from tokens (RFC 3501 §9: astring, string, atom, list,
 * nstring). Every helper throws ProtocolError with a specific reason, which the
 * dispatcher answers with a tagged BAD.
 */
import type { Token, ListToken, AtomToken } from './tokens.js';
import { tokenText, stringText } from './tokens.js';
import { ProtocolError } from './errors.js';

/** A cursor over a command's argument tokens. */
export class Args {
  private i = 0;
  constructor(
    readonly tokens: Token[],
    readonly command: string,
    /** Mailbox names in this command are UTF-8, not modified UTF-7 (RFC 6855 §3, RFC 9051 §5.1). */
    readonly utf8Names = false,
  ) {}

  get remaining(): number {
    return this.tokens.length - this.i;
  }

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  next(what: string): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new ProtocolError(`${this.command}: missing ${what}`);
    return t;
  }

  /** atom / quoted / literal as text (RFC 3501 `astring`). */
  astring(what: string): string {
    const t = this.next(what);
    const s = tokenText(t);
    if (s === undefined) throw new ProtocolError(`${this.command}: ${what} must be a string`);
    return s;
  }

  /** quoted / literal only (RFC 3501 `string`). */
  string(what: string): string {
    const t = this.next(what);
    const s = stringText(t);
    if (s === undefined) throw new ProtocolError(`${this.command}: ${what} must be a quoted string or literal`);
    return s;
  }

  /** An atom (no section); returns its value. */
  atom(what: string): string {
    const t = this.next(what);
    if (t.type !== 'atom' || t.section) throw new ProtocolError(`${this.command}: ${what} must be an atom`);
    return t.value;
  }

  atomToken(what: string): AtomToken {
    const t = this.next(what);
    if (t.type !== 'atom') throw new ProtocolError(`${this.command}: ${what} must be an atom`);
    return t;
  }

  list(what: string): ListToken {
    const t = this.next(what);
    if (t.type !== 'list') throw new ProtocolError(`${this.command}: ${what} must be a parenthesized list`);
    return t;
  }

  /** A list, or a single token treated as a one-element list. */
  listOrOne(what: string): Token[] {
    const t = this.next(what);
    return t.type === 'list' ? t.items : [t];
  }

  /** A number (RFC 3501 `number`, 32-bit unsigned). */
  number(what: string): number {
    const t = this.next(what);
    if (t.type !== 'atom' || !/^\d{1,10}$/.test(t.value)) throw new ProtocolError(`${this.command}: ${what} must be a number`);
    const n = Number(t.value);
    if (n > 0xffffffff) throw new ProtocolError(`${this.command}: ${what} is out of range`);
    return n;
  }

  /** No arguments may follow. */
  end(): void {
    if (this.i < this.tokens.length) throw new ProtocolError(`${this.command}: unexpected extra arguments`);
  }
}
