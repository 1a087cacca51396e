/**
 * The Sieve grammar (RFC 5228 §8.2) into a tree:
 *
 *   commands = *command
 *   command  = identifier arguments (";" / block)
 *   block    = "{" commands "}"
 *   arguments = *argument [ test / test-list ]
 *   argument = string-list / number / tag
 *   test-list = "(" test *("," test) ")"
 *   test     = identifier arguments
 *   string-list = "[" string *("," string) "]" / string
 *
 * Errors carry the line and column of the token where the script went wrong.
 * The meaning of commands (which exist, what they take) is checked afterwards by
 * validate.ts. Pure: no I/O.
 */
import { tokenize, type Token } from './lexer.js';
import { SieveSyntaxError, type Position } from './errors.js';

export type Argument =
  | { kind: 'tag'; name: string; pos: Position }
  | { kind: 'number'; value: number; pos: Position }
  | { kind: 'strings'; values: string[]; single: boolean; pos: Position };

export interface TestNode {
  name: string;
  args: Argument[];
  tests: TestNode[];
  pos: Position;
}

export interface CommandNode {
  name: string;
  args: Argument[];
  tests: TestNode[];
  /** The block of a control command (if/elsif/else); null for a command ending in ";". */
  block: CommandNode[] | null;
  pos: Position;
}

/** Nesting of blocks and tests deeper than this is refused (a stack guard). */
const MAX_DEPTH = 64;

export function parseScript(src: string): CommandNode[] {
  return new Parser(tokenize(src)).script();
}

const isPunct = (t: Token, c: string): boolean => t.kind === 'punct' && t.text === c;
const describe = (t: Token): string => (t.kind === 'eof' ? 'the end of the script' : t.kind === 'string' ? 'a string' : `"${t.kind === 'tag' ? ':' : ''}${t.text}"`);

class Parser {
  private k = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token {
    return this.toks[this.k]!;
  }
  private next(): Token {
    return this.toks[this.k++]!;
  }
  private fail(t: Token, msg: string): never {
    throw new SieveSyntaxError(t.pos, msg);
  }

  script(): CommandNode[] {
    return this.commands(0, false);
  }

  private commands(depth: number, closing: boolean): CommandNode[] {
    const out: CommandNode[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') {
        if (closing) this.fail(t, 'missing "}": a block is not closed');
        return out;
      }
      if (isPunct(t, '}')) {
        if (!closing) this.fail(t, 'unexpected "}" with no block open');
        return out;
      }
      out.push(this.command(depth));
    }
  }

  private command(depth: number): CommandNode {
    const t = this.next();
    if (t.kind !== 'identifier') this.fail(t, `expected a command name, found ${describe(t)}`);
    const { args, tests } = this.argumentsOf(depth);
    const end = this.next();
    if (isPunct(end, ';')) return { name: t.text, args, tests, block: null, pos: t.pos };
    if (isPunct(end, '{')) {
      if (depth >= MAX_DEPTH) this.fail(end, `blocks nested deeper than ${MAX_DEPTH}`);
      const block = this.commands(depth + 1, true);
      this.next(); // "}"
      return { name: t.text, args, tests, block, pos: t.pos };
    }
    return this.fail(end, `expected ";" after the ${t.text} command, found ${describe(end)}`);
  }

  private argumentsOf(depth: number): { args: Argument[]; tests: TestNode[] } {
    const args: Argument[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'tag') {
        this.next();
        args.push({ kind: 'tag', name: t.text, pos: t.pos });
      } else if (t.kind === 'number') {
        this.next();
        args.push({ kind: 'number', value: t.value!, pos: t.pos });
      } else if (t.kind === 'string') {
        this.next();
        args.push({ kind: 'strings', values: [t.text], single: true, pos: t.pos });
      } else if (isPunct(t, '[')) {
        args.push(this.stringList());
      } else break;
    }
    const t = this.peek();
    if (t.kind === 'identifier') return { args, tests: [this.test(depth + 1)] };
    if (isPunct(t, '(')) return { args, tests: this.testList(depth + 1) };
    return { args, tests: [] };
  }

  private stringList(): Argument {
    const open = this.next();
    const values: string[] = [];
    for (;;) {
      const s = this.next();
      if (s.kind !== 'string') this.fail(s, `expected a string in the list, found ${describe(s)}`);
      values.push(s.text);
      const sep = this.next();
      if (isPunct(sep, ']')) return { kind: 'strings', values, single: false, pos: open.pos };
      if (!isPunct(sep, ',')) this.fail(sep, `expected "," or "]" in a string list, found ${describe(sep)}`);
    }
  }

  private test(depth: number): TestNode {
    const t = this.next();
    if (t.kind !== 'identifier') this.fail(t, `expected a test, found ${describe(t)}`);
    if (depth >= MAX_DEPTH) this.fail(t, `tests nested deeper than ${MAX_DEPTH}`);
    const { args, tests } = this.argumentsOf(depth);
    return { name: t.text, args, tests, pos: t.pos };
  }

  private testList(depth: number): TestNode[] {
    this.next(); // "("
    const out: TestNode[] = [];
    for (;;) {
      out.push(this.test(depth));
      const sep = this.next();
      if (isPunct(sep, ')')) return out;
      if (!isPunct(sep, ',')) this.fail(sep, `expected "," or ")" in a test list, found ${describe(sep)}`);
    }
  }
}
