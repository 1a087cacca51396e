/**
 * BINARY[part]<partial> and BINARY.SIZE[part] (RFC 3516 §4.2, §4.3): a leaf part's
 * content with its Content-Transfer-Encoding undone (base64, quoted-printable;
 * 7bit, 8bit and binary as they are). BINARY[] and a multipart or message/rfc822
 * part are their bytes as stored, as for BODY[] (Dovecot answers so too). An
 * encoding this server cannot undo is `NO [UNKNOWN-CTE]` (§4.3). The answer goes
 * as a literal8 `~{n}` when the content holds a NUL (§4.3, RFC 3516 §3 literal8).
 */
import type { Db } from '../../store/db.js';
import { readBlobRange, type StoredParsed } from '../../store/blobs.js';
import { resolvePart } from '../../mime/parse.js';
import { extractHeaderFields } from '../../mime/header.js';
import { decodeBody } from '../../mime/decode.js';
import { GpError } from '../../shared/errors.js';
import type { Partial } from '../protocol/tokens.js';

const ENCODINGS = new Set(['7bit', '8bit', 'binary', 'base64', 'quoted-printable']);

/**
 * The last decoded parts, so a client reading a large part in BINARY.PEEK[n]<o.len>
 * pieces decodes it once. Per database, keyed by blob id and part: blob ids are never reused.
 */
const caches = new WeakMap<Db, Map<string, Buffer>>();
const CACHE_ENTRIES = 4;
const CACHE_BYTES = 64 * 1024 * 1024;

function remember(decoded: Map<string, Buffer>, key: string, b: Buffer): Buffer {
  if (b.length > CACHE_BYTES) return b;
  decoded.set(key, b);
  let total = 0;
  for (const v of decoded.values()) total += v.length;
  for (const k of decoded.keys()) {
    if (decoded.size <= CACHE_ENTRIES && total <= CACHE_BYTES) break;
    total -= decoded.get(k)!.length;
    decoded.delete(k);
  }
  return b;
}

/** The decoded content of a part; an empty buffer for a part the message does not have. */
export function binaryContent(db: Db, blobId: number, parsed: StoredParsed, part: string): Buffer {
  let decoded = caches.get(db);
  if (!decoded) caches.set(db, (decoded = new Map()));
  const key = `${blobId}:${part}`;
  const hit = decoded.get(key);
  if (hit) {
    decoded.delete(key);
    decoded.set(key, hit);
    return hit;
  }
  return remember(decoded, key, readContent(db, blobId, parsed, part));
}

function readContent(db: Db, blobId: number, parsed: StoredParsed, part: string): Buffer {
  const p = resolvePart(parsed.root, part);
  if (!p) return Buffer.alloc(0);
  if (part === '') return readBlobRange(db, blobId, p.headerStart, p.bodyEnd);
  const raw = readBlobRange(db, blobId, p.bodyStart, p.bodyEnd);
  if (p.children || p.message) return raw;
  const hdr = extractHeaderFields(readBlobRange(db, blobId, p.headerStart, p.headerEnd), ['Content-Transfer-Encoding'], false).toString('latin1');
  const m = /^content-transfer-encoding:\s*([^\s;()]*)/im.exec(hdr);
  const enc = (m?.[1] ?? '7bit').toLowerCase();
  if (!ENCODINGS.has(enc)) {
    throw new GpError('UNKNOWN_CTE', `Content-Transfer-Encoding "${enc.slice(0, 40)}" of part ${part} cannot be decoded`, { details: { imapCode: 'UNKNOWN-CTE' } });
  }
  return decodeBody(raw, enc);
}

/**
 * The decoded content of every part the BINARY items of one FETCH name, read before
 * any of its response goes out, so an UNKNOWN-CTE refusal never cuts a response short.
 */
export function binaryContents(db: Db, blobId: number, parsed: StoredParsed | undefined, items: ReadonlyArray<{ kind: string; part?: string }>): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const it of items) {
    if ((it.kind === 'BINARY' || it.kind === 'BINARY.SIZE') && parsed && !out.has(it.part!)) out.set(it.part!, binaryContent(db, blobId, parsed, it.part!));
  }
  return out;
}

export interface BinaryBody {
  body: Buffer;
  /** Holds a NUL: must go out as literal8. */
  literal8: boolean;
}

/** BINARY[part]<partial>: the decoded content, clipped to the partial range. */
export function binaryBody(content: Buffer, partial?: Partial): BinaryBody {
  let body = content;
  if (partial) {
    const s = Math.min(body.length, partial.offset);
    const e = partial.length === undefined ? body.length : Math.min(body.length, s + partial.length);
    body = body.subarray(s, e);
  }
  return { body, literal8: body.includes(0) };
}
