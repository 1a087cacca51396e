/**
 * What each command and test takes (RFC 5228 §3–§5 and the extensions), checked
 * before a script is stored or run: unknown commands, tests and tags, missing or
 * wrong arguments, extensions used without `require` (§3.2), `require` after
 * other commands, `elsif`/`else` without `if`. The result is the compiled script
 * the interpreter runs. Errors carry the line and column of the offending token.
 * Extensions: fileinto (§4.1), reject/ereject (RFC 5429), envelope (§5.4),
 * vacation (RFC 5230), imap4flags (RFC 5232), body (RFC 5173), copy (RFC 3894),
 * mailbox (RFC 5490). Pure.
 */
import type { Argument, CommandNode, TestNode } from './parser.js';
import { SieveSyntaxError, type Position } from './errors.js';
import { COMPARATORS } from './match.js';

/** Capabilities this interpreter offers (ManageSieve SIEVE capability, RFC 5804 §1.7). */
export const EXTENSIONS = ['fileinto', 'reject', 'ereject', 'envelope', 'vacation', 'imap4flags', 'body', 'copy', 'mailbox', 'comparator-i;octet', 'comparator-i;ascii-casemap'] as const;
const KNOWN: ReadonlySet<string> = new Set(EXTENSIONS);

type ArgType = 'string' | 'strings' | 'number';
interface TagSpec {
  arg?: ArgType;
  /** Tags of one group exclude each other. */
  group?: string;
  ext?: string;
}
interface Spec {
  ext?: string;
  tags?: Record<string, TagSpec>;
  positional: ArgType[];
  tests?: 'one' | 'list';
  block?: boolean;
  /** A group one of whose tags must be present. */
  needs?: string;
}

const MATCH: Record<string, TagSpec> = {
  is: { group: 'match' },
  contains: { group: 'match' },
  matches: { group: 'match' },
  comparator: { arg: 'string' },
};
const ADDRESS: Record<string, TagSpec> = { ...MATCH, all: { group: 'part' }, localpart: { group: 'part' }, domain: { group: 'part' } };

const COMMANDS: Record<string, Spec> = {
  require: { positional: ['strings'] },
  if: { positional: [], tests: 'one', block: true },
  elsif: { positional: [], tests: 'one', block: true },
  else: { positional: [], block: true },
  stop: { positional: [] },
  keep: { positional: [], tags: { flags: { arg: 'strings', ext: 'imap4flags' } } },
  discard: { positional: [] },
  fileinto: { ext: 'fileinto', positional: ['string'], tags: { copy: { ext: 'copy' }, flags: { arg: 'strings', ext: 'imap4flags' }, create: { ext: 'mailbox' } } },
  redirect: { positional: ['string'], tags: { copy: { ext: 'copy' } } },
  reject: { ext: 'reject', positional: ['string'] },
  ereject: { ext: 'ereject', positional: ['string'] },
  vacation: {
    ext: 'vacation',
    positional: ['string'],
    tags: { days: { arg: 'number' }, subject: { arg: 'string' }, from: { arg: 'string' }, addresses: { arg: 'strings' }, mime: {}, handle: { arg: 'string' } },
  },
  setflag: { ext: 'imap4flags', positional: ['strings'] },
  addflag: { ext: 'imap4flags', positional: ['strings'] },
  removeflag: { ext: 'imap4flags', positional: ['strings'] },
};

const TESTS: Record<string, Spec> = {
  address: { positional: ['strings', 'strings'], tags: ADDRESS },
  envelope: { ext: 'envelope', positional: ['strings', 'strings'], tags: ADDRESS },
  header: { positional: ['strings', 'strings'], tags: MATCH },
  exists: { positional: ['strings'] },
  size: { positional: [], tags: { over: { arg: 'number', group: 'size' }, under: { arg: 'number', group: 'size' } }, needs: 'size' },
  true: { positional: [] },
  false: { positional: [] },
  not: { positional: [], tests: 'one' },
  allof: { positional: [], tests: 'list' },
  anyof: { positional: [], tests: 'list' },
  body: { ext: 'body', positional: ['strings'], tags: { ...MATCH, raw: { group: 'transform' }, content: { arg: 'strings', group: 'transform' }, text: { group: 'transform' } } },
  mailboxexists: { ext: 'mailbox', positional: ['strings'] },
  hasflag: { ext: 'imap4flags', positional: ['strings'], tags: MATCH },
};

export type TagValue = true | number | string[];

export interface Compiled {
  name: string;
  tags: Record<string, TagValue>;
  /** Positional arguments: string lists (a single string is a list of one) or numbers. */
  args: Array<string[] | number>;
  tests: Compiled[];
  block: Compiled[] | null;
  pos: Position;
}

const fail = (pos: Position, msg: string): never => {
  throw new SieveSyntaxError(pos, msg);
};

function compileArgs(node: CommandNode | TestNode, spec: Spec, kind: string, required: ReadonlySet<string>): Pick<Compiled, 'tags' | 'args'> {
  const tags: Record<string, TagValue> = {};
  const args: Array<string[] | number> = [];
  const groups = new Map<string, string>();
  const list = node.args;
  for (let i = 0; i < list.length; i++) {
    const a = list[i]!;
    if (a.kind !== 'tag') {
      if (args.length >= spec.positional.length) fail(a.pos, `too many arguments to the ${node.name} ${kind}`);
      args.push(take(a, spec.positional[args.length]!, `argument ${args.length + 1} of ${node.name}`));
      continue;
    }
    if (args.length > 0) fail(a.pos, `the tag :${a.name} must come before the other arguments of ${node.name}`);
    const t = spec.tags?.[a.name];
    if (!t) fail(a.pos, `unknown tag :${a.name} for the ${node.name} ${kind}`);
    if (t!.ext && !required.has(t!.ext)) fail(a.pos, `:${a.name} needs require "${t!.ext}"`);
    if (a.name in tags) fail(a.pos, `the tag :${a.name} is given twice`);
    if (t!.group) {
      const other = groups.get(t!.group);
      if (other) fail(a.pos, `:${a.name} cannot be used together with :${other}`);
      groups.set(t!.group, a.name);
    }
    if (t!.arg) {
      const v = list[i + 1];
      if (!v || v.kind === 'tag') fail(a.pos, `:${a.name} needs a ${t!.arg === 'number' ? 'number' : 'string'} after it`);
      tags[a.name] = take(v!, t!.arg, `:${a.name}`);
      i++;
    } else tags[a.name] = true;
  }
  if (args.length < spec.positional.length) fail(node.pos, `the ${node.name} ${kind} needs ${spec.positional.length} argument${spec.positional.length > 1 ? 's' : ''}, given ${args.length}`);
  if (spec.needs && !groups.has(spec.needs)) fail(node.pos, `the ${node.name} ${kind} needs :over or :under`);
  const cmp = tags.comparator;
  if (Array.isArray(cmp) && !COMPARATORS.has(cmp[0]!)) fail(node.pos, `unknown comparator "${cmp[0]}"`);
  return { tags, args };
}

function take(a: Argument, type: ArgType, what: string): string[] | number {
  if (type === 'number') {
    if (a.kind !== 'number') fail(a.pos, `${what} must be a number`);
    return (a as { value: number }).value;
  }
  if (a.kind !== 'strings') fail(a.pos, `${what} must be a ${type === 'string' ? 'string' : 'string list'}`);
  const s = a as { values: string[]; single: boolean };
  if (type === 'string' && (!s.single || s.values.length !== 1)) fail(a.pos, `${what} must be a single string, not a list`);
  return s.values;
}

function compileTest(node: TestNode, required: ReadonlySet<string>): Compiled {
  const spec = TESTS[node.name];
  if (!spec) fail(node.pos, COMMANDS[node.name] ? `${node.name} is a command, not a test` : `unknown test "${node.name}"`);
  if (spec!.ext && !required.has(spec!.ext)) fail(node.pos, `the ${node.name} test needs require "${spec!.ext}"`);
  const { tags, args } = compileArgs(node, spec!, 'test', required);
  if (!spec!.tests && node.tests.length) fail(node.tests[0]!.pos, `the ${node.name} test takes no test`);
  if (spec!.tests === 'one' && node.tests.length !== 1) fail(node.pos, `${node.name} needs exactly one test`);
  if (spec!.tests === 'list' && node.tests.length === 0) fail(node.pos, `${node.name} needs a list of tests in parentheses`);
  return { name: node.name, tags, args, tests: node.tests.map((t) => compileTest(t, required)), block: null, pos: node.pos };
}

function compileBlock(nodes: CommandNode[], required: Set<string>, top: boolean): Compiled[] {
  const out: Compiled[] = [];
  let seenOther = false;
  for (const node of nodes) {
    const spec = COMMANDS[node.name];
    if (!spec) fail(node.pos, TESTS[node.name] ? `${node.name} is a test; use it inside if` : `unknown command "${node.name}"`);
    if (node.name === 'require') {
      if (!top || seenOther) fail(node.pos, 'require must come before every other command (RFC 5228 §3.2)');
    } else seenOther = true;
    if (spec!.ext && !required.has(spec!.ext)) fail(node.pos, `the ${node.name} command needs require "${spec!.ext}"`);
    if ((node.name === 'elsif' || node.name === 'else') && !['if', 'elsif'].includes(out[out.length - 1]?.name ?? '')) fail(node.pos, `${node.name} without a preceding if`);
    if (spec!.block && node.block === null) fail(node.pos, `${node.name} needs a block in braces`);
    if (!spec!.block && node.block !== null) fail(node.pos, `the ${node.name} command takes no block; end it with ";"`);
    const { tags, args } = compileArgs(node, spec!, 'command', required);
    if (!spec!.tests && node.tests.length) fail(node.tests[0]!.pos, `the ${node.name} command takes no test`);
    if (spec!.tests === 'one' && node.tests.length !== 1) fail(node.pos, `${node.name} needs one test`);
    if (node.name === 'require') {
      for (const ext of args[0] as string[]) {
        if (!KNOWN.has(ext)) fail(node.pos, `unsupported extension "${ext}"`);
        required.add(ext);
      }
    }
    if (node.name === 'vacation' && typeof tags.days === 'number' && tags.days < 1) fail(node.pos, ':days must be at least 1 (RFC 5230 §4.1)');
    out.push({
      name: node.name,
      tags,
      args,
      tests: node.tests.map((t) => compileTest(t, required)),
      block: node.block ? compileBlock(node.block, required, false) : null,
      pos: node.pos,
    });
  }
  return out;
}

export function compile(nodes: CommandNode[]): Compiled[] {
  return compileBlock(nodes, new Set(['comparator-i;octet', 'comparator-i;ascii-casemap']), true);
}
