/**
 * Parse a message once, at ingest (SMTP delivery and IMAP APPEND alike), into the
 * ParsedMessage of ./types.ts:
 *   - the MIME tree with byte offsets (RFC 2045, RFC 2046 §5.1 multipart with
 *     preamble/epilogue, §5.2.1 message/rfc822) and IMAP part numbers
 *     (RFC 3501 §6.4.5);
 *   - ENVELOPE and BODYSTRUCTURE with extension data (RFC 3501 §7.4.2);
 *   - the decoded size of attachments (see ./classify.ts for the rule);
 *   - search fields (./search.ts).
 *
 * Byte-exact and lenient: line ends CRLF or bare LF; a multipart's boundary
 * delimiter is "--boundary" at a line start, optionally "--" (close), then only
 * spaces/tabs (at most 256) to the line end; the line break before a delimiter
 * belongs to the delimiter (RFC 2046 §5.1.1). A missing close delimiter ends the
 * last part at the end of the enclosing entity. A multipart without a boundary
 * or whose boundary never occurs is shown as text/plain. Nothing here throws on
 * malformed input. One pass over the bytes per nesting level (Buffer.indexOf);
 * bodies are never turned into strings except for search text up to its cap.
 * Limits against hostile input: nesting depth MAX_DEPTH (deeper entities are
 * leaves), MAX_PARTS entities (more: the message is one opaque body, see `flat`).
 * Sizes and line counts are of the bytes as stored (a bare-LF message is not
 * converted to CRLF here).
 */
import { findHeaderEnd, parseHeaderFields, getField, redecodeLegacyHeaders, wireSafeParams, type HeaderField } from './header.js';
import { classify, asPlainText, isAttachment, param, MAX_DEPTH, MAX_PARTS, type EntityInfo } from './classify.js';
import { decodedSize } from './decode.js';
import { buildEnvelope } from './envelope.js';
import { SearchCollector } from './search.js';
import type { BodyStructure, MimePart, ParsedMessage } from './types.js';

const LF = 0x0a;
const CR = 0x0d;
/** Most spaces/tabs allowed after a boundary delimiter (transport padding). */
export const MAX_BOUNDARY_PADDING = 256;

interface Ctx {
  buf: Buffer;
  attachmentBytes: number;
  /**
   * Search text: inside a multipart/alternative whose text/plain was indexed, the
   * HTML versions are skipped (same text; saves decoding it twice).
   */
  skipHtml: number;
  /** >0 inside a message/rfc822 attachment, counted whole: its parts are not counted again. */
  inAttachedMessage: number;
  /** Entities seen: all, and those outside attached messages (the ones MAX_PARTS limits). */
  entities: number;
  counted: number;
  /** Charset of the first text part: the guess for a multipart's raw 8-bit top header. */
  firstTextCharset: string | null;
  search: SearchCollector;
}

/** Thrown inside the parser when a message has more than MAX_PARTS entities. */
class TooManyParts extends Error {}

export function parseMessage(raw: Buffer): ParsedMessage {
  const ctx: Ctx = { buf: raw, attachmentBytes: 0, skipHtml: 0, inAttachedMessage: 0, entities: 0, counted: 0, firstTextCharset: null, search: new SearchCollector() };
  let top: Parsed;
  try {
    top = parseEntity(ctx, 0, raw.length, '', 0, null);
  } catch (err) {
    if (!(err instanceof TooManyParts)) throw err;
    ctx.search = new SearchCollector();
    top = flat(raw);
    ctx.attachmentBytes = top.part.bodyEnd - top.part.bodyStart;
  }
  if (param(top.bs.params, 'charset') === null) redecodeLegacyHeaders(top.fields, ctx.firstTextCharset);
  const envelope = buildEnvelope(top.fields);
  ctx.search.setTopHeader(top.fields, envelope);
  return {
    size: raw.length,
    envelope,
    bodystructure: top.bs,
    root: top.part,
    attachmentBytes: ctx.attachmentBytes,
    search: ctx.search.result(),
  };
}

interface Parsed {
  part: MimePart;
  bs: BodyStructure;
  fields: HeaderField[];
}

/**
 * A message with more than MAX_PARTS MIME entities (outside attached messages) is
 * not structured: one application/octet-stream body, counted whole (its raw size)
 * as an attachment. Bounds memory and BODYSTRUCTURE size for hostile input.
 */
function flat(buf: Buffer): Parsed {
  const hb = findHeaderEnd(buf, 0, buf.length);
  const fields = parseHeaderFields(buf, 0, hb.fieldsEnd);
  const info = classify(fields, null, 0);
  const part: MimePart = {
    path: '',
    headerStart: 0,
    headerEnd: hb.headerEnd,
    bodyStart: hb.headerEnd,
    bodyEnd: buf.length,
    contentType: 'application/octet-stream',
  };
  const bs: BodyStructure = {
    type: 'application',
    subtype: 'octet-stream',
    params: [],
    id: null,
    description: null,
    encoding: info.encoding,
    size: buf.length - hb.headerEnd,
    md5: null,
    disposition: null,
    language: null,
    location: null,
  };
  return { part, bs, fields };
}

/**
 * One entity in [start, end): header, then body by its kind. `path` is its IMAP
 * section prefix ("" at the top; a multipart child "1", "1.2"; the message inside a
 * message/rfc822 part has the part's own path, its parts are path.1, path.2 …).
 */
function parseEntity(ctx: Ctx, start: number, end: number, path: string, depth: number, parentSubtype: string | null): Parsed {
  const { buf } = ctx;
  const hb = findHeaderEnd(buf, start, end);
  const fields = parseHeaderFields(buf, start, hb.fieldsEnd);
  ctx.entities++;
  if (ctx.inAttachedMessage === 0 && ++ctx.counted > MAX_PARTS) throw new TooManyParts();
  // inside attached messages (not counted), structure stops at the limit instead
  let info = classify(fields, parentSubtype, ctx.entities > MAX_PARTS ? MAX_DEPTH : depth);
  redecodeLegacyHeaders(fields, param(info.params, 'charset'));
  const bodyStart = hb.headerEnd;
  const bodyEnd = end;
  const part: MimePart = {
    path,
    headerStart: start,
    headerEnd: hb.headerEnd,
    bodyStart,
    bodyEnd,
    contentType: info.type + '/' + info.subtype,
  };

  if (info.kind === 'multipart') {
    const ranges = splitMultipart(buf, bodyStart, bodyEnd, info.boundary!, MAX_PARTS + 1);
    if (ranges.length > 0) {
      const children: MimePart[] = [];
      const bsChildren: BodyStructure[] = [];
      let skipping = false;
      ranges.forEach(([s, e], i) => {
        const childPath = path === '' ? String(i + 1) : `${path}.${i + 1}`;
        const c = parseEntity(ctx, s, e, childPath, depth + 1, info.subtype);
        children.push(c.part);
        bsChildren.push(c.bs);
        if (info.subtype === 'alternative' && !skipping && c.part.contentType === 'text/plain' && c.bs.disposition?.[0] !== 'attachment') {
          skipping = true;
          ctx.skipHtml++;
        }
      });
      if (skipping) ctx.skipHtml--;
      part.children = children;
      const bs: BodyStructure = {
        type: info.type,
        subtype: info.subtype,
        children: bsChildren,
        params: wireSafeParams(info.params),
        ...extension(fields, info),
      };
      return { part, bs, fields };
    }
    info = asPlainText(info);
    part.contentType = 'text/plain';
  }

  const bs: BodyStructure = {
    type: info.type,
    subtype: info.subtype,
    params: wireSafeParams(info.params),
    id: getField(fields, 'content-id'),
    description: getField(fields, 'content-description'),
    encoding: info.encoding,
    size: bodyEnd - bodyStart,
    ...extension(fields, info),
  };

  if (info.kind === 'message') {
    const attached = isAttachment(info);
    if (attached && ctx.inAttachedMessage === 0) ctx.attachmentBytes += bodyEnd - bodyStart;
    if (attached) ctx.inAttachedMessage++;
    // a top-level message/rfc822 message: its body is part 1, the inner parts 1.1, 1.2 …
    const inner = parseEntity(ctx, bodyStart, bodyEnd, path === '' ? '1' : path, depth + 1, null);
    if (attached) ctx.inAttachedMessage--;
    part.message = inner.part;
    bs.envelope = buildEnvelope(inner.fields);
    bs.body = inner.bs;
    bs.lines = countLines(buf, bodyStart, bodyEnd);
    return { part, bs, fields };
  }

  if (info.type === 'text') {
    bs.lines = countLines(buf, bodyStart, bodyEnd);
    if (ctx.firstTextCharset === null && !info.defaulted) ctx.firstTextCharset = param(info.params, 'charset');
  }
  if (isAttachment(info)) {
    if (ctx.inAttachedMessage === 0) ctx.attachmentBytes += decodedSize(buf.subarray(bodyStart, bodyEnd), info.encoding);
  } else if (info.type === 'text' && (info.subtype === 'plain' || (info.subtype === 'html' && ctx.skipHtml === 0))) {
    ctx.search.addText(buf.subarray(bodyStart, bodyEnd), info.encoding, param(info.params, 'charset') ?? 'us-ascii', info.subtype === 'html');
  }
  return { part, bs, fields };
}

function extension(fields: HeaderField[], info: EntityInfo): Pick<BodyStructure, 'md5' | 'disposition' | 'language' | 'location'> {
  const lang = getField(fields, 'content-language');
  const langs = lang === null ? [] : lang.split(',').map((s) => s.replace(/\([^)]*\)/g, '').trim()).filter((s) => s.length > 0);
  return {
    md5: info.kind === 'multipart' ? undefined : getField(fields, 'content-md5'),
    disposition: info.disposition ? [info.disposition[0], wireSafeParams(info.disposition[1])] : null,
    language: langs.length > 0 ? langs : null,
    location: getField(fields, 'content-location'),
  };
}

/** Lines of a body: its line feeds, plus one for a last line without one. */
export function countLines(buf: Buffer, start: number, end: number): number {
  let n = 0;
  let pos = start;
  for (;;) {
    const i = buf.indexOf(LF, pos);
    if (i < 0 || i >= end) break;
    n++;
    pos = i + 1;
  }
  if (end > start && buf[end - 1] !== LF) n++;
  return n;
}

export interface Delimiter {
  close: boolean;
  /** Just after the delimiter line (its line break included). */
  lineEnd: number;
}

/**
 * Is there a boundary delimiter line for `dash` ("--" + boundary) at `i` (a line
 * start), within [i, end)?
 */
export function delimiterAt(buf: Buffer, i: number, end: number, dash: Buffer): Delimiter | null {
  let j = i + dash.length;
  if (j > end) return null;
  if (buf.compare(dash, 0, dash.length, i, j) !== 0) return null;
  let close = false;
  if (j + 1 < end && buf[j] === 0x2d && buf[j + 1] === 0x2d) {
    close = true;
    j += 2;
  }
  const padLimit = j + MAX_BOUNDARY_PADDING;
  while (j < end && (buf[j] === 0x20 || buf[j] === 0x09) && j < padLimit) j++;
  if (j >= end) return { close, lineEnd: end };
  if (buf[j] === LF) return { close, lineEnd: j + 1 };
  if (buf[j] === CR) {
    if (j + 1 >= end) return { close, lineEnd: end };
    if (buf[j + 1] === LF) return { close, lineEnd: j + 2 };
  }
  return null;
}

/** The byte ranges of a multipart body's parts (RFC 2046 §5.1.1). */
export function splitMultipart(buf: Buffer, start: number, end: number, boundary: string, maxParts = Infinity): Array<[number, number]> {
  const dash = Buffer.from('--' + boundary, 'utf8');
  const parts: Array<[number, number]> = [];
  let partStart = -1;
  let pos = start;
  for (;;) {
    const i = buf.indexOf(dash, pos);
    if (i < 0 || i + dash.length > end) break;
    if (i !== start && buf[i - 1] !== LF) {
      pos = i + 1;
      continue;
    }
    const d = delimiterAt(buf, i, end, dash);
    if (!d) {
      pos = i + 1;
      continue;
    }
    if (partStart >= 0) parts.push([partStart, stripLineBreak(buf, partStart, i)]);
    if (parts.length >= maxParts) return parts;
    if (d.close) {
      partStart = -1;
      break;
    }
    partStart = d.lineEnd;
    pos = d.lineEnd;
  }
  if (partStart >= 0) parts.push([partStart, end]);
  return parts;
}

function stripLineBreak(buf: Buffer, partStart: number, i: number): number {
  let e = i;
  if (e > partStart && buf[e - 1] === LF) e--;
  if (e > partStart && buf[e - 1] === CR) e--;
  return e;
}

/**
 * The entity a section part number names (RFC 3501 §6.4.5), or null:
 * "" is the message; in a multipart, n is its n-th part; a message/rfc822 part's
 * numbers go to the encapsulated message; a non-multipart message (top level or
 * encapsulated) has one part, 1, which is itself (its body is BODY[1]).
 */
export function resolvePart(root: MimePart, path: string): MimePart | null {
  if (path === '') return root;
  let cur: MimePart = root;
  let first = true;
  for (const seg of path.split('.')) {
    if (!/^[1-9][0-9]*$/.test(seg)) return null;
    const n = Number(seg);
    const container: MimePart = cur.message && !first ? cur.message : cur;
    first = false;
    if (container.children) {
      const c = container.children[n - 1];
      if (!c) return null;
      cur = c;
    } else if (n === 1) {
      cur = container;
    } else return null;
  }
  return cur;
}

export type SectionText = '' | 'HEADER' | 'TEXT' | 'MIME';

/**
 * The byte range [start, end) of BODY[path.text] (RFC 3501 §6.4.5), or null when
 * the section does not exist. HEADER.FIELDS (…) is the HEADER range filtered by
 * extractHeaderFields(). `text`:
 *   ''     — the whole message (path ""), else the part's body (for a
 *            message/rfc822 part: the encapsulated message, header included);
 *   HEADER — the message header (path ""), or the encapsulated message's header
 *            of a message/rfc822 part;
 *   TEXT   — the message body (path ""), or the encapsulated message's body;
 *   MIME   — the part's own MIME header (not for path "").
 */
export function sectionRange(root: MimePart, path: string, text: SectionText): [number, number] | null {
  const part = resolvePart(root, path);
  if (!part) return null;
  if (path === '') {
    if (text === '') return [root.headerStart, root.bodyEnd];
    if (text === 'HEADER') return [root.headerStart, root.headerEnd];
    if (text === 'TEXT') return [root.bodyStart, root.bodyEnd];
    return null;
  }
  if (text === '') return [part.bodyStart, part.bodyEnd];
  if (text === 'MIME') return [part.headerStart, part.headerEnd];
  const msg = part.message;
  if (!msg) return null;
  return text === 'HEADER' ? [msg.headerStart, msg.headerEnd] : [msg.bodyStart, msg.bodyEnd];
}
