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
  const toks = tokenize(src);
  let k = 0;
  const peek = (): Token => toks[k]!;
  const next = (): Token => toks[k++]!;
  const fail = (t: Token, msg: string): never => {
    throw new SieveSyntaxError(t.pos, msg);
  };
  const describe = (t: Token): string => (t.kind === 'eof' ? 'the end of the script' : t.kind === 'string' ? 'a string' : `"${t.kind === 'tag' ? ':' : ''}${t.text}"`);
  const isPunct = (t: Token, c: string): boolean => t.kind === 'punct' && t.text === c;

  function commands(depth: number, closing: boolean): CommandNode[] {
    const out: CommandNode[] = [];
    for (;;) {
      const t = peek();
      if (t.kind === 'eof') {
        if (closing) fail(t, 'missing "}": a block is not closed');
        return out;
      }
      if (isPunct(t, '}')) {
        if (!closing) fail(t, 'unexpected "}" with no block open');
        return out;
      }
      out.push(command(depth));
    }
  }

  function command(depth: number): CommandNode {
    const t = next();
    if (t.kind !== 'identifier') fail(t, `expected a command name, found ${describe(t)}`);
    const { args, tests } = argumentsOf(depth);
    const end = next();
    if (isPunct(end, ';')) return { name: t.text, args, tests, block: null, pos: t.pos };
    if (isPunct(end, '{')) {
      if (depth >= MAX_DEPTH) fail(end, `blocks nested deeper than ${MAX_DEPTH}`);
      const block = commands(depth + 1, true);
      next(); // "}"
      return { name: t.text, args, tests, block, pos: t.pos };
    }
    return fail(end, `expected ";" after the ${t.text} command, found ${describe(end)}`);
  }

  function argumentsOf(depth: number): { args: Argument[]; tests: TestNode[] } {
    const args: Argument[] = [];
    for (;;) {
      const t = peek();
      if (t.kind === 'tag') {
        next();
        args.push({ kind: 'tag', name: t.text, pos: t.pos });
      } else if (t.kind === 'number') {
        next();
        args.push({ kind: 'number', value: t.value!, pos: t.pos });
      } else if (t.kind === 'string') {
        next();
        args.push({ kind: 'strings', values: [t.text], single: true, pos: t.pos });
      } else if (isPunct(t, '[')) {
        args.push(stringList());
      } else break;
    }
    const t = peek();
    if (t.kind === 'identifier') return { args, tests: [test(depth + 1)] };
    if (isPunct(t, '(')) return { args, tests: testList(depth + 1) };
    return { args, tests: [] };
  }

  function stringList(): Argument {
    const open = next();
    const values: string[] = [];
    for (;;) {
      const s = next();
      if (s.kind !== 'string') fail(s, `expected a string in the list, found ${describe(s)}`);
      values.push(s.text);
      const sep = next();
      if (isPunct(sep, ']')) return { kind: 'strings', values, single: false, pos: open.pos };
      if (!isPunct(sep, ',')) fail(sep, `expected "," or "]" in a string list, found ${describe(sep)}`);
    }
  }

  function test(depth: number): TestNode {
    const t = next();
    if (t.kind !== 'identifier') fail(t, `expected a test, found ${describe(t)}`);
    if (depth >= MAX_DEPTH) fail(t, `tests nested deeper than ${MAX_DEPTH}`);
    const { args, tests } = argumentsOf(depth);
    return { name: t.text, args, tests, pos: t.pos };
  }

  function testList(depth: number): TestNode[] {
    next(); // "("
    const out: TestNode[] = [];
    for (;;) {
      out.push(test(depth));
      const sep = next();
      if (isPunct(sep, ')')) return out;
      if (!isPunct(sep, ',')) fail(sep, `expected "," or ")" in a test list, found ${describe(sep)}`);
    }
  }

  return commands(0, false);
}
