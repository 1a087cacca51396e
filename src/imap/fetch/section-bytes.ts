/**
 * The bytes of BODY[section]<partial> (RFC 3501 §6.4.5) from the parsed part tree
 * (byte offsets computed at ingest) and byte ranges of the stored blob: only the
 * chunks overlapping the range are read, large ranges are yielded chunk by chunk.
 * A section that does not exist in the message gives an empty string (Dovecot and
 * Cyrus answer so as well; RFC 3501 leaves it open).
 */
import type { Db } from '../../store/db.js';
import { readBlobRange, readBlobChunks, type StoredParsed } from '../../store/blobs.js';
import { sectionRange } from '../../mime/parse.js';
import { extractHeaderFields } from '../../mime/header.js';
import type { SectionSpec } from '../protocol/section.js';
import type { Partial } from '../protocol/tokens.js';

/** Ranges up to this size are read into one Buffer; larger ones are streamed. */
export const INLINE_BYTES = 256 * 1024;

export interface SectionBody {
  size: number;
  body: Buffer | AsyncIterable<Buffer>;
}

function clip(start: number, end: number, partial: Partial | undefined): [number, number] {
  if (!partial) return [start, end];
  const s = Math.min(end, start + partial.offset);
  const e = partial.length === undefined ? end : Math.min(end, s + partial.length);
  return [s, e];
}

export function sectionBody(db: Db, blobId: number, parsed: StoredParsed, spec: SectionSpec, partial?: Partial): SectionBody {
  const empty = { size: 0, body: Buffer.alloc(0) };
  if (spec.text === 'HEADER.FIELDS' || spec.text === 'HEADER.FIELDS.NOT') {
    const r = sectionRange(parsed.root, spec.part, 'HEADER');
    if (!r) return empty;
    const hdr = readBlobRange(db, blobId, r[0], r[1]);
    const buf = extractHeaderFields(hdr, spec.fields ?? [], spec.text === 'HEADER.FIELDS.NOT');
    const [s, e] = clip(0, buf.length, partial);
    return { size: e - s, body: buf.subarray(s, e) };
  }
  const r = sectionRange(parsed.root, spec.part, spec.text);
  if (!r) return empty;
  const [s, e] = clip(r[0], r[1], partial);
  if (e <= s) return empty;
  if (e - s <= INLINE_BYTES) return { size: e - s, body: readBlobRange(db, blobId, s, e) };
  return { size: e - s, body: streamRange(db, blobId, s, e) };
}

/** Chunks of a range, one store read per step, yielding to the event loop between them. */
async function* streamRange(db: Db, blobId: number, start: number, end: number): AsyncGenerator<Buffer> {
  for (const b of readBlobChunks(db, blobId, start, end)) yield b;
}
