/**
 * Small helpers shared by the session and folder commands: completions, and mailbox-name arguments (modified UTF-7, RFC 3501 §5.1.3).
 */
import type { CommandContext, CommandResult } from './types.js';
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
