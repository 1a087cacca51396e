/**
 * BODY and BODYSTRUCTURE wire forms (RFC 3501 §7.4.2, §9 `body`):
 * multipart `(part part ... "subtype" [ext: params disposition language location])`,
 * basic `("type" "subtype" params id description encoding size [ext])`,
 * text adds the line count, message/rfc822 adds envelope, body and lines.
 * BODY is the non-extensible form (no extension data). A message/rfc822 part that
 * was not parsed as a message (base64-encoded) is written as a basic body. Pure.
 */
import type { BodyStructure, ParamList } from '../../mime/types.js';
import { nstring, quoteString } from './quote.js';
import { encodeEnvelope } from './envelope.js';

function params(p: ParamList): string {
  if (!p || p.length === 0) return 'NIL';
  return '(' + p.map(([a, v]) => `${quoteString(a.toUpperCase())} ${quoteString(v)}`).join(' ') + ')';
}

function language(l: string[] | null): string {
  if (!l || l.length === 0) return 'NIL';
  if (l.length === 1) return quoteString(l[0]!);
  return '(' + l.map(quoteString).join(' ') + ')';
}

function extension(b: BodyStructure): string {
  const disp = b.disposition ? `(${quoteString(b.disposition[0].toUpperCase())} ${params(b.disposition[1])})` : 'NIL';
  return `${disp} ${language(b.language)} ${nstring(b.location)}`;
}

const EMPTY_TEXT: BodyStructure = {
  type: 'text',
  subtype: 'plain',
  params: [],
  id: null,
  description: null,
  encoding: '7bit',
  size: 0,
  lines: 0,
  md5: null,
  disposition: null,
  language: null,
  location: null,
};

/** `extended`: BODYSTRUCTURE (true) or BODY (false). */
export function encodeBodyStructure(b: BodyStructure, extended: boolean): string {
  if (b.children || b.type.toLowerCase() === 'multipart') {
    // The grammar needs at least one part: an empty multipart shows one empty text part.
    const children = b.children && b.children.length ? b.children : [EMPTY_TEXT];
    let s = '(' + children.map((c) => encodeBodyStructure(c, extended)).join('') + ' ' + quoteString(b.subtype.toUpperCase());
    if (extended) s += ` ${params(b.params)} ${extension(b)}`;
    return s + ')';
  }
  const type = b.type.toUpperCase();
  const subtype = b.subtype.toUpperCase();
  let s =
    `(${quoteString(type)} ${quoteString(subtype)} ${params(b.params)} ${nstring(b.id ?? null)} ` +
    `${nstring(b.description ?? null)} ${quoteString((b.encoding ?? '7bit').toUpperCase())} ${b.size ?? 0}`;
  if (type === 'MESSAGE' && subtype === 'RFC822' && b.envelope && b.body) {
    s += ` ${encodeEnvelope(b.envelope)} ${encodeBodyStructure(b.body, extended)} ${b.lines ?? 0}`;
  } else if (type === 'TEXT') {
    s += ` ${b.lines ?? 0}`;
  }
  if (extended) s += ` ${nstring(b.md5 ?? null)} ${extension(b)}`;
  return s + ')';
}
