/**
 * What the store needs of a message before its write transaction, computed in one
 * place: the parse (./parse.ts), the full-text document of its lower-cased header
 * and body text (./words.ts: stems, the costly part), and its SHA-256 (the blob's
 * identity). Pure: ./parse-pool.ts runs it on a thread beside the event loop.
 */
import { createHash } from 'node:crypto';
import { parseMessage } from './parse.js';
import { ftsDocument } from './words.js';
import type { ParsedMessage } from './types.js';

export interface PreparedMessage {
  parsed: ParsedMessage;
  sha256: string;
}

export function prepareMessage(raw: Buffer): PreparedMessage {
  const parsed = parseMessage(raw);
  const s = parsed.search;
  // The collector lower-cased them (mime/search.ts); the store's search row and sort keys
  // read them as `lower` (store/blobs.ts), so the text is sent back once: a thread's result
  // is copied to the event loop, and these are its largest strings.
  s.lower = { headers: s.headers, body: s.body };
  s.headers = '';
  s.body = '';
  s.fts ??= ftsDocument(s.lower.headers, s.lower.body);
  return { parsed, sha256: createHash('sha256').update(raw).digest('hex') };
}

/**
 * The SHA-256 of message bytes prepared before (so the store's write transaction
 * does not hash them again). Received bytes are never changed once prepared; a
 * message built anew (a forwarded copy with its trace field) is a new Buffer.
 */
const hashes = new WeakMap<Buffer, string>();

export function rememberSha256(raw: Buffer, sha256: string): void {
  hashes.set(raw, sha256);
}

export function knownSha256(raw: Buffer): string | undefined {
  return hashes.get(raw);
}
