/**
 * Flag arguments: the flag list of STORE (RFC 3501 §6.4.6, RFC 7162 §3.1.3
 * UNCHANGEDSINCE) and of APPEND (§6.3.11, with its optional date-time). Pure:
 * flags come out as names; the store maps them to bits.
 */
import type { Token, LiteralToken } from './tokens.js';
import { stringText } from './tokens.js';
import { ProtocolError } from './errors.js';
import { isValidKeyword, parseDateTimeZone } from './encode-basic.js';

const SYSTEM = new Set(['\\seen', '\\answered', '\\flagged', '\\deleted', '\\draft']);

/** One flag atom: a system flag (any case, canonical spelling returned) or a keyword. */
function flagName(t: Token, allowRecent: boolean): string {
  // RFC 3501 §9: flag-keyword = atom, and "NIL" is an atom: the keyword NIL (as Dovecot has it)
  if (t.type === 'nil') return t.raw;
  if (t.type !== 'atom' || t.section) throw new ProtocolError('Invalid flag');
  const v = t.value;
  if (v.startsWith('\\')) {
    const low = v.toLowerCase();
    if (SYSTEM.has(low)) return '\\' + low[1]!.toUpperCase() + low.slice(2);
    if (low === '\\recent' && allowRecent) return '\\Recent';
    throw new ProtocolError(`Flag ${v.slice(0, 30)} cannot be set`);
  }
  if (!isValidKeyword(v)) throw new ProtocolError(`Invalid keyword "${v.slice(0, 30)}"`);
  return v;
}

/** A flag list `(\Seen $Label)` or, for STORE, bare flags. */
export function parseFlagTokens(tokens: Token[]): string[] {
  const out: string[] = [];
  for (const t of tokens) out.push(flagName(t, false));
  return out;
}

export interface StoreArgs {
  mode: 'set' | 'add' | 'remove';
  silent: boolean;
  flags: string[];
  unchangedSince?: number;
}

/** After the sequence set: `[(UNCHANGEDSINCE n)] (+|-)FLAGS[.SILENT] (flags)`. */
export function parseStoreArgs(tokens: Token[]): StoreArgs {
  let i = 0;
  let unchangedSince: number | undefined;
  const first = tokens[0];
  if (first?.type === 'list') {
    const m = first.items;
    if (m.length !== 2 || m[0]!.type !== 'atom' || m[0]!.value.toUpperCase() !== 'UNCHANGEDSINCE') {
      throw new ProtocolError('STORE: unknown modifier');
    }
    const v = m[1]!;
    if (v.type !== 'atom' || !/^\d{1,19}$/.test(v.value)) throw new ProtocolError('STORE: UNCHANGEDSINCE needs a number');
    unchangedSince = Number(v.value);
    i = 1;
  }
  const name = tokens[i];
  if (!name || name.type !== 'atom' || name.section) throw new ProtocolError('STORE: missing data item');
  const m = /^([+-]?)FLAGS(\.SILENT)?$/i.exec(name.value);
  if (!m) throw new ProtocolError(`STORE: unknown data item "${name.value.slice(0, 30)}"`);
  const rest = tokens.slice(i + 1);
  if (rest.length === 0) throw new ProtocolError('STORE: missing flags');
  const list = rest.length === 1 && rest[0]!.type === 'list' ? rest[0]!.items : rest;
  const out: StoreArgs = {
    mode: m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'set',
    silent: !!m[2],
    flags: parseFlagTokens(list),
  };
  if (unchangedSince !== undefined) out.unchangedSince = unchangedSince;
  return out;
}

export interface AppendArgs {
  flags: string[];
  /** ms, when a date-time was given */
  date?: number;
  /** Its zone, minutes east of UTC (INTERNALDATE keeps it, as Dovecot does). */
  zone?: number;
  message: LiteralToken;
}

/** After the mailbox name: `[(flags)] ["date-time"] literal` (RFC 3501 §6.3.11). */
export function parseAppendArgs(tokens: Token[]): AppendArgs {
  let i = 0;
  let flags: string[] = [];
  let date: number | undefined;
  let zone: number | undefined;
  if (tokens[i]?.type === 'list') flags = parseFlagTokens((tokens[i++] as { items: Token[] }).items);
  const d = tokens[i];
  if (d && d.type === 'string') {
    ({ ms: date, zone } = parseDateTimeZone(stringText(d)!));
    i++;
  }
  const lit = tokens[i];
  if (!lit || lit.type !== 'literal') throw new ProtocolError('APPEND: the message must be a literal');
  if (i + 1 !== tokens.length) {
    throw new ProtocolError('APPEND: one message expected (several are read by append-args.ts)');
  }
  const out: AppendArgs = { flags, message: lit };
  if (date !== undefined) out.date = date;
  if (zone !== undefined) out.zone = zone;
  return out;
}
