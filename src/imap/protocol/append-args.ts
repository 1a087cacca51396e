/**
 * APPEND arguments after the mailbox name, one or more messages (RFC 3502 §6.3.11
 * MULTIAPPEND: `append-message *(SP append-message)`), each
 * `[(flags)] ["date-time"] literal` (RFC 3501 §6.3.11; the literal may be a
 * literal8 `~{n}`, RFC 3516 §4.4), or after ENABLE UTF8=ACCEPT
 * `[(flags)] ["date-time"] UTF8 (literal8)` (RFC 6855 §4). Pure.
 */
import type { Token, LiteralToken } from './tokens.js';
import { stringText } from './tokens.js';
import { ProtocolError } from './errors.js';
import { parseDateTimeZone } from './encode-basic.js';
import { parseFlagTokens, type AppendArgs } from './flags-arg.js';

export interface AppendOptions {
  /** UTF8=ACCEPT (or IMAP4rev2) is enabled: `UTF8 (literal)` is allowed (RFC 6855 §4). */
  utf8: boolean;
}

/** The message literal at `tokens[i]`: a literal, or `UTF8 (literal)`. Returns it and the next index. */
function messageAt(tokens: Token[], i: number, opts: AppendOptions): [LiteralToken, number] {
  const t = tokens[i];
  if (t?.type === 'literal') return [t, i + 1];
  if (t?.type === 'atom' && !t.section && t.value.toUpperCase() === 'UTF8') {
    if (!opts.utf8) throw new ProtocolError('APPEND: UTF8 data needs ENABLE UTF8=ACCEPT first (RFC 6855 §4)');
    const l = tokens[i + 1];
    const lit = l?.type === 'list' && l.items.length === 1 ? l.items[0] : undefined;
    if (!lit || lit.type !== 'literal') throw new ProtocolError('APPEND: UTF8 needs a parenthesized literal');
    return [lit, i + 2];
  }
  throw new ProtocolError('APPEND: the message must be a literal');
}

export function parseAppendMessages(tokens: Token[], opts: AppendOptions): AppendArgs[] {
  const out: AppendArgs[] = [];
  let i = 0;
  do {
    let flags: string[] = [];
    let date: number | undefined;
    let zone: number | undefined;
    const f = tokens[i];
    if (f?.type === 'list') {
      flags = parseFlagTokens(f.items);
      i++;
    }
    const d = tokens[i];
    if (d && d.type === 'string') {
      ({ ms: date, zone } = parseDateTimeZone(stringText(d)!));
      i++;
    }
    const [message, next] = messageAt(tokens, i, opts);
    i = next;
    const one: AppendArgs = { flags, message };
    if (date !== undefined) one.date = date;
    if (zone !== undefined) one.zone = zone;
    out.push(one);
  } while (i < tokens.length);
  return out;
}
