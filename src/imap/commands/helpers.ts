/**
 * Small helpers shared by the session and folder commands: completions, and mailbox-name arguments (modified UTF-7, RFC 3501 §5.1.3).
 */
import type { ActiveState, CommandContext, CommandModule, CommandResult, SelectedView } from './types.js';
import type { SequenceSet, Token } from '../protocol/tokens.js';
import { parseSequenceSet } from '../protocol/sequence.js';
import { Args } from '../protocol/args.js';
import { decodeMailboxName, encodeMailboxName } from '../protocol/utf7.js';
import { astring, astringUtf8 } from '../protocol/quote.js';
import { utf8Names } from '../extensions.js';
import { ProtocolError } from '../protocol/errors.js';
import { capabilities } from '../capabilities.js';

export function ok(text: string, code?: string): CommandResult {
  return code ? { status: 'OK', code, text } : { status: 'OK', text };
}

export function no(code: string, text: string): CommandResult {
  return { status: 'NO', code, text };
}

export function args(ctx: CommandContext): Args {
  return new Args(ctx.args, ctx.name, utf8Names(ctx.session));
}

/**
 * A mailbox argument: astring, modified UTF-7 decoded — or taken as UTF-8 once the
 * client enabled UTF8=ACCEPT or IMAP4rev2 (RFC 6855 §3); a trailing delimiter is dropped.
 */
export function mailboxArg(a: Args, what = 'mailbox name', strict = false): string {
  const raw = a.astring(what);
  const name = a.utf8Names ? raw : strict ? decodeMailboxName(raw) : lenientMailboxName(raw);
  if (name.length > 1 && name.endsWith('/')) return name.replace(/\/+$/, '');
  return name;
}

/**
 * A name to look up (SELECT, STATUS, LIST patterns...): modified UTF-7 decoded (RFC 3501
 * §5.1.3); a name that is not valid modified UTF-7 (`a&'b`) is still a valid astring and
 * is taken as it is: it names no folder (NO), it is not a syntax error (BAD). Names
 * that create folders (CREATE, RENAME's new name) are decoded strictly.
 */
export function lenientMailboxName(raw: string): string {
  try {
    return decodeMailboxName(raw);
  } catch {
    return raw;
  }
}

/** A mailbox name for a response: modified UTF-7, then atom or quoted; UTF-8 itself when `utf8` (RFC 6855 §3). */
export function mailboxOut(name: string, utf8 = false): string {
  return utf8 ? astringUtf8(name) : astring(encodeMailboxName(name));
}

/** The CAPABILITY list for this session's state. */
export function capabilityList(ctx: CommandContext): string {
  return capabilities(ctx.session.state !== 'not-authenticated', ctx.services.maxLiteralBytes).join(' ');
}

export function requireAuthenticated(ctx: CommandContext): number {
  const id = ctx.session.mailboxId;
  if (id === undefined) throw new ProtocolError('Not authenticated');
  return id;
}

/** The states of a command that needs a login: authenticated, or with a folder selected. */
export const LOGGED_IN: readonly ActiveState[] = ['authenticated', 'selected'];

/** LIST/LSUB, SELECT/EXAMINE, SUBSCRIBE/UNSUBSCRIBE: two commands of the logged-in states, one `run` told which. */
export function commandPair(names: readonly [string, string], run: (ctx: CommandContext, second: boolean) => Promise<CommandResult>): [CommandModule, CommandModule] {
  return [{ name: names[0], states: LOGGED_IN, run: (ctx) => run(ctx, false) }, { name: names[1], states: LOGGED_IN, run: (ctx) => run(ctx, true) }];
}

/** How a mailbox-name argument is read (`mailboxArg`). */
export interface MailboxArgSpec {
  what?: string;
  /** Decoded strictly: names that create folders. */
  strict?: boolean;
}

/** What a mailbox command's `run` is given once its arguments are read. */
export interface MailboxCall<T> {
  mailboxId: number;
  /** The mailbox names, in the order of `mailboxes`. */
  names: string[];
  /** What `rest` read after the names. */
  rest: T;
}

/**
 * CREATE, DELETE, RENAME, STATUS, SUBSCRIBE, GETQUOTAROOT: a command of the
 * logged-in states whose arguments are mailbox names (one by default), then what
 * `rest` reads, then the end of the line.
 */
export function mailboxCommand<T = undefined>(spec: {
  name: string;
  mailboxes?: readonly MailboxArgSpec[];
  rest?: (a: Args) => T;
  run: (ctx: CommandContext, call: MailboxCall<T>) => Promise<CommandResult>;
}): CommandModule {
  const mailboxes = spec.mailboxes ?? [{}];
  return {
    name: spec.name,
    states: LOGGED_IN,
    async run(ctx) {
      const mailboxId = requireAuthenticated(ctx);
      const a = args(ctx);
      const names = mailboxes.map((m) => mailboxArg(a, m.what, m.strict));
      const rest = spec.rest ? spec.rest(a) : (undefined as T);
      a.end();
      return spec.run(ctx, { mailboxId, names, rest });
    },
  };
}

/**
 * What FETCH, STORE, SEARCH, SORT and THREAD are alike in: valid in the selected
 * state, with a UID form, and no EXPUNGE responses flushed after them (RFC 3501
 * §7.4.1; their UID forms still get them).
 */
export function noExpungeCommand(name: string, run: (ctx: CommandContext) => Promise<CommandResult>): CommandModule {
  return { name, states: ['selected'], uid: true, expungeAfter: false, run };
}

/** The command's name as the client sent it: `UID FETCH` or `FETCH`. */
export function commandName(ctx: CommandContext): string {
  return ctx.uid ? `UID ${ctx.name}` : ctx.name;
}

/** STORE, EXPUNGE, MOVE in a folder selected with EXAMINE (RFC 3501 §6.3.2). */
export function readOnlyRefusal(): CommandResult {
  return { status: 'NO', code: 'CANNOT', text: 'The folder is selected read-only (EXAMINE)' };
}

/** What a FETCH or STORE `run` is given: the client's name for the command, the sequence set, what follows it, the view. */
export interface SequenceCall<T> {
  name: string;
  set: SequenceSet;
  req: T;
  view: SelectedView;
}

/**
 * FETCH and STORE: noExpungeCommand()s whose arguments are a sequence
 * set (RFC 3501 §9) and then what `parse` reads from the tokens after it.
 */
export function sequenceCommand<T>(spec: {
  name: string;
  parse: (tokens: Token[]) => T;
  run: (ctx: CommandContext, call: SequenceCall<T>) => Promise<CommandResult>;
}): CommandModule {
  return noExpungeCommand(spec.name, async (ctx) => {
    const name = commandName(ctx);
    const set = parseSequenceSet(new Args(ctx.args, name).atom('sequence set'));
    const req = spec.parse(ctx.args.slice(1));
    return spec.run(ctx, { name, set, req, view: ctx.session.selected! });
  });
}
