/**
 * What an entity is, from its header fields (RFC 2045 §5 Content-Type with the
 * defaults of RFC 2045 §5.2 and RFC 2046 §5.1.5 for multipart/digest; RFC 2183
 * Content-Disposition), and whether it counts as an attachment. Shared by the
 * parser and the streaming AttachmentMeter so that both always agree.
 *
 * Attachment rule (for the service's attachment limit, decoded bytes):
 *   - a multipart is never one itself: its parts are looked at;
 *   - message/rfc822 with Content-Disposition: attachment is one (the whole
 *     encapsulated message); otherwise its own parts are looked at;
 *   - a leaf with Content-Disposition: attachment is one;
 *   - text/plain and text/html that are not disposition=attachment are the message's
 *     body text, not attachments (even with a name/filename parameter);
 *   - any other text/* without a filename/name parameter is body text too;
 *   - every other leaf (images — inline ones too —, application/*, audio, video,
 *     named text/* files, message/rfc822 that is not parsed) is an attachment, with
 *     or without a filename, so an unnamed part cannot slip past the limit.
 */
import { getField, parseStructured, type HeaderField } from './header.js';
import type { ParamList } from './types.js';

/** Entities nested deeper than this are not descended into (leaf application/octet-stream). */
export const MAX_DEPTH = 40;
/**
 * Most MIME entities in one message (outside attached messages); a message with
 * more is not structured (see parse.ts `flat`), and the meter follows suit.
 */
export const MAX_PARTS = 10_000;

export type EntityKind = 'multipart' | 'message' | 'leaf';

export interface EntityInfo {
  type: string;
  subtype: string;
  params: ParamList;
  /** Content-Type was absent (defaults applied). */
  defaulted: boolean;
  encoding: string;
  disposition: [string, ParamList] | null;
  kind: EntityKind;
  /** Multipart: the boundary. */
  boundary: string | null;
  /** A multipart without a boundary or without parts, shown as text/plain; never an attachment. */
  fallback: boolean;
}

export function param(p: ParamList, name: string): string | null {
  for (const [a, v] of p) if (a === name) return v;
  return null;
}

/**
 * `parentSubtype` is the subtype of the enclosing multipart, if any (digest changes
 * the default type). `depth` is the nesting depth of this entity (top level 0).
 */
export function classify(fields: HeaderField[], parentSubtype: string | null, depth: number): EntityInfo {
  const ctRaw = getField(fields, 'content-type');
  let type = 'text';
  let subtype = 'plain';
  let params: ParamList = [];
  let defaulted = true;
  if (ctRaw !== null) {
    const ct = parseStructured(ctRaw);
    const m = /^([^\s/]+)\s*\/\s*([^\s/]+)$/.exec(ct.value);
    if (m) {
      type = m[1]!.toLowerCase();
      subtype = m[2]!.toLowerCase();
      params = ct.params;
      defaulted = false;
    }
  }
  if (defaulted) {
    if (parentSubtype === 'digest') {
      type = 'message';
      subtype = 'rfc822';
      params = [];
    } else {
      params = [['charset', 'us-ascii']];
    }
  }
  // RFC 2045 §5.2: text without a charset is us-ascii; said explicitly (appended), as Dovecot does
  if (type === 'text' && param(params, 'charset') === null) params = [...params, ['charset', 'us-ascii']];
  const cte = getField(fields, 'content-transfer-encoding');
  // an encoding that is not an RFC 2045 token is treated as 7bit (as Dovecot does)
  const cteValue = cte === null ? '' : parseStructured(cte).value.toLowerCase();
  const encoding = /^[^\x00-\x20()<>@,;:\\"/[\]?=\x7f-\uffff]+$/.test(cteValue) ? cteValue : '7bit';
  const cdRaw = getField(fields, 'content-disposition');
  let disposition: [string, ParamList] | null = null;
  if (cdRaw !== null) {
    const cd = parseStructured(cdRaw);
    if (cd.value) disposition = [cd.value.toLowerCase(), cd.params];
  }
  let kind: EntityKind = 'leaf';
  let boundary: string | null = null;
  if (depth >= MAX_DEPTH && (type === 'multipart' || (type === 'message' && subtype === 'rfc822'))) {
    type = 'application';
    subtype = 'octet-stream';
  } else if (type === 'multipart') {
    boundary = param(params, 'boundary');
    if (boundary) kind = 'multipart';
    else return asPlainText({ type, subtype, params, defaulted, encoding, disposition, kind, boundary, fallback: false });
  } else if (type === 'message' && subtype === 'rfc822' && (encoding === '7bit' || encoding === '8bit' || encoding === 'binary')) {
    kind = 'message';
  }
  return { type, subtype, params, defaulted, encoding, disposition, kind, boundary, fallback: false };
}

/** The fallback for a multipart whose parts cannot be found: plain text. */
export function asPlainText(info: EntityInfo): EntityInfo {
  return { ...info, type: 'text', subtype: 'plain', params: [['charset', 'us-ascii']], kind: 'leaf', boundary: null, fallback: true };
}

function hasFilename(info: EntityInfo): boolean {
  return (info.disposition !== null && param(info.disposition[1], 'filename') !== null) || param(info.params, 'name') !== null;
}

/** For a leaf or an (unparsed or parsed) message/rfc822: does it count whole as an attachment? */
export function isAttachment(info: EntityInfo): boolean {
  const disp = info.disposition?.[0] ?? null;
  if (info.kind === 'multipart' || info.fallback) return false;
  if (disp === 'attachment') return true;
  if (info.kind === 'message') return false; // look inside
  if (info.type === 'text') {
    if (info.subtype === 'plain' || info.subtype === 'html') return false;
    return hasFilename(info);
  }
  return true;
}
