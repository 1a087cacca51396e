/**
 * FETCH data items (RFC 3501 §6.4.5): the macros ALL / FAST / FULL, FLAGS,
 * INTERNALDATE, RFC822, RFC822.HEADER, RFC822.SIZE, RFC822.TEXT, UID, ENVELOPE,
 * BODY, BODYSTRUCTURE, BODY[section]<partial>, BODY.PEEK[section]<partial>; MODSEQ
 * and the modifiers `(CHANGEDSINCE n [VANISHED])` of RFC 7162 §3.1.4.1 / §3.2.6;
 * BINARY[part]<partial>, BINARY.PEEK[part]<partial>, BINARY.SIZE[part] (RFC 3516
 * §4.2: the section is a part number only); EMAILID, THREADID (RFC 8474 §5).
 * SAVEDATE of RFC 8514 §4.1. Pure.
 */
import type { Token, Partial, AtomToken } from './tokens.js';
import { ProtocolError } from './errors.js';
import { parseSection, sectionLabel, type SectionSpec } from './section.js';

export type SimpleItem = 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'UID' | 'ENVELOPE' | 'BODY' | 'BODYSTRUCTURE' | 'MODSEQ' | 'EMAILID' | 'THREADID' | 'SAVEDATE';

export type FetchItem =
  | { kind: SimpleItem }
  | {
      kind: 'SECTION';
      /** The response label up to the literal, e.g. `BODY[1.MIME]<0>` or `RFC822.HEADER`. */
      label: string;
      section: SectionSpec;
      /** true: does not set \Seen. */
      peek: boolean;
      partial?: Partial;
    }
  | {
      /** RFC 3516 §4.2: the part's content with its transfer encoding undone. */
      kind: 'BINARY';
      /** The response label up to the literal, e.g. `BINARY[1]<0>`. */
      label: string;
      /** Part number, "" for the whole message. */
      part: string;
      peek: boolean;
      partial?: Partial;
    }
  | { kind: 'BINARY.SIZE'; label: string; part: string };

export interface FetchRequest {
  items: FetchItem[];
  /** RFC 7162 §3.1.4.1 */
  changedSince?: number;
  /** RFC 7162 §3.2.6 (UID FETCH only, QRESYNC enabled) */
  vanished: boolean;
}

const SIMPLE = new Set<string>(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'UID', 'ENVELOPE', 'BODY', 'BODYSTRUCTURE', 'MODSEQ', 'EMAILID', 'THREADID', 'SAVEDATE']);

const MACROS: Record<string, SimpleItem[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

function item(t: Token): FetchItem {
  if (t.type !== 'atom') throw new ProtocolError('FETCH: invalid data item');
  const name = t.value.toUpperCase();
  if (t.section !== undefined && name.startsWith('BINARY')) return binaryItem(name, t);
  if (t.section !== undefined) {
    if (name !== 'BODY' && name !== 'BODY.PEEK') throw new ProtocolError(`FETCH: "${name.slice(0, 30)}" takes no section`);
    const section = parseSection(t.section);
    let label = `BODY[${sectionLabel(section)}]`;
    if (t.partial) label += `<${t.partial.offset}>`;
    const out: FetchItem = { kind: 'SECTION', label, section, peek: name === 'BODY.PEEK' };
    if (t.partial) out.partial = t.partial;
    return out;
  }
  if (SIMPLE.has(name)) return { kind: name as SimpleItem };
  switch (name) {
    case 'RFC822':
      return { kind: 'SECTION', label: 'RFC822', section: { part: '', text: '' }, peek: false };
    case 'RFC822.HEADER':
      return { kind: 'SECTION', label: 'RFC822.HEADER', section: { part: '', text: 'HEADER' }, peek: true };
    case 'RFC822.TEXT':
      return { kind: 'SECTION', label: 'RFC822.TEXT', section: { part: '', text: 'TEXT' }, peek: false };
    case 'BODY.PEEK':
      throw new ProtocolError('FETCH: BODY.PEEK needs a section');
    case 'BINARY':
    case 'BINARY.PEEK':
    case 'BINARY.SIZE':
      throw new ProtocolError(`FETCH: ${name} needs a section`);
  }
  throw new ProtocolError(`FETCH: unknown data item "${name.slice(0, 30)}"`);
}

/** `section-binary = "[" [section-part] "]"` (RFC 3516 §4.2); BINARY.SIZE takes no partial. */
function binaryItem(name: string, t: AtomToken): FetchItem {
  if (name !== 'BINARY' && name !== 'BINARY.PEEK' && name !== 'BINARY.SIZE') throw new ProtocolError(`FETCH: "${name.slice(0, 30)}" takes no section`);
  const sec = t.section ?? [];
  let part = '';
  if (sec.length) {
    const p = sec[0]!;
    if (sec.length !== 1 || p.type !== 'atom' || !/^[1-9]\d{0,8}(\.[1-9]\d{0,8})*$/.test(p.value)) throw new ProtocolError(`FETCH: ${name} takes a part number only`);
    part = p.value;
  }
  if (name === 'BINARY.SIZE') {
    if (t.partial) throw new ProtocolError('FETCH: BINARY.SIZE takes no partial');
    return { kind: 'BINARY.SIZE', label: `BINARY.SIZE[${part}]`, part };
  }
  let label = `BINARY[${part}]`;
  if (t.partial) label += `<${t.partial.offset}>`;
  const out: FetchItem = { kind: 'BINARY', label, part, peek: name === 'BINARY.PEEK' };
  if (t.partial) out.partial = t.partial;
  return out;
}

/** Parse the data items (one atom/macro or a list) and the optional modifier list. */
export function parseFetchRequest(tokens: Token[]): FetchRequest {
  const first = tokens[0];
  if (!first) throw new ProtocolError('FETCH: missing data items');
  const items: FetchItem[] = [];
  if (first.type === 'atom' && !first.section && MACROS[first.value.toUpperCase()]) {
    for (const k of MACROS[first.value.toUpperCase()]!) items.push({ kind: k });
  } else if (first.type === 'list') {
    if (first.items.length === 0) throw new ProtocolError('FETCH: empty data item list');
    for (const t of first.items) items.push(item(t));
  } else items.push(item(first));
  const req: FetchRequest = { items, vanished: false };
  if (tokens.length > 2) throw new ProtocolError('FETCH: unexpected extra arguments');
  const mods = tokens[1];
  if (mods) {
    if (mods.type !== 'list') throw new ProtocolError('FETCH: modifiers must be a parenthesized list');
    const m = mods.items;
    for (let i = 0; i < m.length; i++) {
      const t = m[i]!;
      const name = t.type === 'atom' ? t.value.toUpperCase() : '';
      if (name === 'CHANGEDSINCE') {
        const v = m[++i];
        if (!v || v.type !== 'atom' || !/^\d{1,19}$/.test(v.value)) throw new ProtocolError('FETCH: CHANGEDSINCE needs a number');
        req.changedSince = Number(v.value);
      } else if (name === 'VANISHED') req.vanished = true;
      else throw new ProtocolError('FETCH: unknown modifier');
    }
    if (req.vanished && req.changedSince === undefined) throw new ProtocolError('FETCH: VANISHED needs CHANGEDSINCE');
  }
  return req;
}
