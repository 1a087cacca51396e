/**
 * BODY[section] specifiers (RFC 3501 §6.4.5, §9 `section`): part numbers `1.2`,
 * HEADER, HEADER.FIELDS (names), HEADER.FIELDS.NOT (names), TEXT, MIME — and the
 * text a FETCH response echoes for them. Pure.
 */
import type { Token } from './tokens.js';
import { tokenText } from './tokens.js';
import { ProtocolError } from './errors.js';
import { astring } from './quote.js';

export type SectionTextKind = '' | 'HEADER' | 'TEXT' | 'MIME' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT';

export interface SectionSpec {
  /** Part number path, "" for the whole message. */
  part: string;
  text: SectionTextKind;
  /** Field names of HEADER.FIELDS / HEADER.FIELDS.NOT, as the client gave them. */
  fields?: string[];
}

const PART_RE = /^[1-9]\d{0,8}(\.[1-9]\d{0,8})*$/;

/** Parse the tokens between `[` and `]` (the tokenizer's `section`). */
export function parseSection(tokens: Token[]): SectionSpec {
  if (tokens.length === 0) return { part: '', text: '' };
  const first = tokens[0]!;
  if (first.type !== 'atom') throw new ProtocolError('Invalid section');
  const spec = first.value.toUpperCase();
  let part = '';
  let text = '';
  const m = /^((?:[1-9]\d*)(?:\.[1-9]\d*)*)(?:\.(.*))?$/.exec(spec);
  if (m) {
    part = m[1]!;
    text = m[2] ?? '';
    if (!PART_RE.test(part)) throw new ProtocolError('Invalid section part number');
  } else text = spec;
  let kind: SectionTextKind;
  switch (text) {
    case '':
    case 'HEADER':
    case 'TEXT':
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT':
      kind = text;
      break;
    case 'MIME':
      if (!part) throw new ProtocolError('Section MIME needs a part number');
      kind = 'MIME';
      break;
    default:
      throw new ProtocolError(`Invalid section "${first.value.slice(0, 40)}"`);
  }
  if (kind === 'HEADER.FIELDS' || kind === 'HEADER.FIELDS.NOT') {
    const list = tokens[1];
    if (!list || list.type !== 'list' || list.items.length === 0 || tokens.length !== 2) {
      throw new ProtocolError(`${kind} needs a list of header field names`);
    }
    const fields: string[] = [];
    for (const t of list.items) {
      const s = tokenText(t);
      if (s === undefined || !/^[\x21-\x39\x3b-\x7e]+$/.test(s)) throw new ProtocolError('Invalid header field name');
      fields.push(s);
    }
    return { part, text: kind, fields };
  }
  if (tokens.length !== 1) throw new ProtocolError('Invalid section');
  return { part, text: kind };
}

/** The section as a FETCH response names it, without brackets: `1.2.HEADER.FIELDS (FROM TO)`. */
export function sectionLabel(s: SectionSpec): string {
  let out = s.part;
  if (s.text) out += (out ? '.' : '') + s.text;
  if (s.fields) out += ' (' + s.fields.map((f) => astring(f.toUpperCase())).join(' ') + ')';
  return out;
}
