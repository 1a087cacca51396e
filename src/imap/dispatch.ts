/**
 * Command dispatch (RFC 3501 §2.2.1, §6, §7.1): tokenize, look up the command module,
 * check the session state, run it, flush pending untagged updates at the moments
 * §7.4.1 allows, write the tagged completion. Errors are mapped to replies in this
 * one place:
 *   ProtocolError  → `tag BAD <reason>` (the session continues)
 *   GpError        → `tag NO [CODE] <message>`
 *   anything else  → `tag NO [SERVERBUG] Internal error` and an error log line
 */
import type { Session } from './session.js';
import type { FrameEvent, FramedCommand } from './protocol/framing.js';
import { releaseLiterals } from './protocol/tokens.js';
import type { CommandContext, CommandResult } from './commands/types.js';
import { tokenize } from './protocol/tokenizer.js';
import { lineTag } from './protocol/framing.js';
import { isProtocolError } from './protocol/errors.js';
import { isGpError, type GpError } from '../shared/errors.js';
import { registry } from './registry.js';

/** IMAP response codes a GpError code may carry as is (RFC 3501 §7.1, RFC 5530, RFC 4469, RFC 7889, RFC 7162). */
const IMAP_CODES = new Set([
  'ALERT', 'PARSE', 'TRYCREATE', 'UNAVAILABLE', 'AUTHENTICATIONFAILED', 'AUTHORIZATIONFAILED', 'EXPIRED',
  'PRIVACYREQUIRED', 'CONTACTADMIN', 'NOPERM', 'INUSE', 'EXPUNGEISSUED', 'CORRUPTION', 'SERVERBUG', 'CLIENTBUG',
  'CANNOT', 'LIMIT', 'OVERQUOTA', 'ALREADYEXISTS', 'NONEXISTENT', 'TOOBIG', 'MODIFIED', 'NOTSAVED',
]);

/** The IMAP response code for a GpError. */
export function imapCode(e: GpError): string {
  const d = e.details?.imapCode;
  if (typeof d === 'string') return d;
  if (IMAP_CODES.has(e.code)) return e.code;
  if (e.temporary) return 'UNAVAILABLE';
  switch (e.kind) {
    case 'not_found':
      return 'NONEXISTENT';
    case 'conflict':
      return 'ALREADYEXISTS';
    case 'syntax':
      return 'CLIENTBUG';
    default:
      return 'CANNOT';
  }
}

/** A one-line message safe for the wire (no CR/LF). */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').slice(0, 500);
}

/** Consecutive BAD replies after which the connection is closed (not an IMAP client): config imap.maxBadCommands. */
async function bad(session: Session, line: string): Promise<void> {
  await session.send(line);
  if (++session.badInARow >= session.host.services.config.imap.maxBadCommands) await session.bye('Too many invalid commands');
}

function tagged(tag: string, r: CommandResult): string {
  return `${tag} ${r.status}${r.code ? ` [${r.code}]` : ''} ${oneLine(r.text)}`;
}

export async function dispatch(session: Session, ev: FrameEvent): Promise<void> {
  if (ev.kind === 'reject') {
    await session.send(
      ev.code
        ? `${ev.tag ?? '*'} NO [${ev.code}] ${oneLine(ev.text ?? 'Literal refused')}`
        : `${ev.tag ?? '*'} NO [TOOBIG] Literal of ${ev.size} bytes is over the limit of ${ev.limit} bytes`,
    );
    if (ev.fatal) await session.bye('Literal too large');
    return;
  }
  if (ev.kind === 'too-long') {
    await bad(session, `${ev.tag ?? '*'} BAD [TOOBIG] Command line too long (limit ${ev.limit} bytes)`);
    return;
  }
  if (ev.kind !== 'command') return;
  try {
    await dispatchCommand(session, ev.command);
  } finally {
    releaseLiterals(ev.command.literals);
  }
}

async function dispatchCommand(session: Session, cmd: FramedCommand): Promise<void> {
  let parsed;
  try {
    parsed = tokenize(cmd);
  } catch (err) {
    const tag = lineTag(cmd.lines[0] ?? '');
    if (isProtocolError(err)) {
      await bad(session, `${tag ?? '*'} BAD ${oneLine(err.message)}`);
      return;
    }
    session.log.error({ err }, 'tokenizer failed');
    await bad(session, `${tag ?? '*'} BAD Syntax error`);
    return;
  }
  const { tag, tokens } = parsed;
  let first = tokens[0];
  let uid = false;
  if (first?.type === 'atom' && !first.section && first.value.toUpperCase() === 'UID') {
    uid = true;
    tokens.shift();
    first = tokens[0];
  }
  if (!first || first.type !== 'atom' || first.section) {
    await bad(session, `${tag} BAD Missing command name`);
    return;
  }
  const name = first.value.toUpperCase();
  const mod = registry.get(name);
  if (!mod || (uid && !mod.uid)) {
    await bad(session, `${tag} BAD Unknown command ${uid ? 'UID ' : ''}${oneLine(name).slice(0, 40)}`);
    return;
  }
  const state = session.state;
  if (state === 'logout' || !(mod.states as readonly string[]).includes(state)) {
    const why =
      state === 'not-authenticated' ? 'authenticate first' : state === 'authenticated' && mod.states.includes('selected') ? 'select a folder first' : 'not allowed in this state';
    await bad(session, `${tag} BAD ${name}: ${why}`);
    return;
  }
  const ctx: CommandContext = { tag, name, uid, args: tokens.slice(1), session, services: session.host.services };
  const started = Date.now();
  let result: CommandResult;
  try {
    result = await mod.run(ctx);
  } catch (err) {
    if (isProtocolError(err)) {
      result = { status: 'BAD', ...(err.code ? { code: err.code } : {}), text: err.message };
    } else if (isGpError(err)) {
      if (err.kind === 'internal') session.log.error({ err, command: name }, 'command failed');
      result = { status: 'NO', code: imapCode(err), text: err.message };
    } else {
      session.log.error({ err, command: name }, 'command failed');
      result = { status: 'NO', code: 'SERVERBUG', text: 'Internal error' };
    }
  }
  if (session.isClosed) return;
  if (session.state !== 'logout') {
    try {
      // RFC 3501 §7.4.1: no EXPUNGE after FETCH, STORE, SEARCH — but UID variants may have them
      await session.flushUpdates(mod.expungeAfter !== false || uid);
    } catch (err) {
      session.log.error({ err }, 'flushing updates failed');
    }
  }
  if (result.status === 'BAD') await bad(session, tagged(tag, result));
  else {
    session.badInARow = 0;
    await session.send(tagged(tag, result));
    session.taggedSent();
  }
  session.log.debug({ command: uid ? `UID ${name}` : name, status: result.status, ms: Date.now() - started }, 'command');
}
