/**
 * Message bytes: stored once by SHA-256, reference-counted, in fixed-size chunk
 * rows so a partial FETCH (RFC 3501 §6.4.5 BODY[section]<partial>) reads only the
 * chunks it needs; better-sqlite3 cannot stream a single BLOB value.
 *
 * What ingest parsed is kept next to the bytes: the ParsedMessage without its
 * search text in `blobs.parsed` (JSON) and the search text in `blob_search`.
 *
 * Deletion is two-phase: expunging a message only decrements `refcount`;
 * collectGarbage() frees blobs nobody references any more.
 *
 * Blob ids are never reused: collectGarbage never deletes the blob with the
 * highest id (SQLite gives a new row max(id)+1), so caches keyed by blob id — the
 * parsed-JSON LRU here, any cache in a running server while the CLI purges — can
 * never see another message under an old id.
 */
import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { perConnection } from './connection.js';
import { tx } from './tx.js';
import { Lru } from './lru.js';
import { cachedChunks, cachedMeta, forgetChunks, keepChunks, type BlobMeta } from './chunk-cache.js';
import { putSortFields, deleteSortFields } from './sort.js';
import { sortFields } from '../mime/sort-fields.js';
import type { ParsedMessage } from '../mime/types.js';
import { GpError, notFound } from '../shared/errors.js';
import { indexBlob, unindexBlob } from './fts.js';
import { ftsDocument } from '../mime/words.js';
import { knownSha256 } from '../mime/prepare.js';

/** Bytes per chunk row (the schema keeps chunk_size per blob, so this may change). */
export const CHUNK_SIZE = 128 * 1024;

/** What `blobs.parsed` holds: the parsed message without its search text. */
export type StoredParsed = Omit<ParsedMessage, 'search'>;

export interface BlobInfo {
  id: number;
  sha256: string;
  size: number;
  refcount: number;
  chunkSize: number;
}

interface Stmts {
  bySha: Statement<[string], { id: number }>;
  addRefs: Statement<[number, number]>;
  insertBlob: Statement<[string, number, number, number, string, number]>;
  insertChunk: Statement<[number, number, Buffer]>;
  insertSearch: Statement<[number, number | null, number | null, string, string, string, string, string, string, string, string]>;
  meta: Statement<[number], { size: number; chunk_size: number }>;
  info: Statement<[number], { id: number; sha256: string; size: number; refcount: number; chunk_size: number }>;
  chunks: Statement<[number, number, number], { data: Buffer }>;
  parsed: Statement<[number], { parsed: string }>;
  garbage: Statement<[number], { id: number; size: number; chunk_size: number }>;
  delChunks: Statement<[number]>;
  delSearch: Statement<[number]>;
  delBlob: Statement<[number]>;
}

const stmts = perConnection((db): Stmts => ({
    bySha: db.prepare('SELECT id FROM blobs WHERE sha256 = ?'),
    addRefs: db.prepare('UPDATE blobs SET refcount = refcount + ? WHERE id = ?'),
    insertBlob: db.prepare(
      'INSERT INTO blobs (sha256, size, refcount, chunk_size, parsed, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insertChunk: db.prepare('INSERT INTO blob_chunks (blob_id, seq, data) VALUES (?, ?, ?)'),
    insertSearch: db.prepare(
      `INSERT INTO blob_search (blob_id, sent_date, sent_day, subject, from_text, to_text, cc_text, bcc_text, message_id, headers, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    meta: db.prepare('SELECT size, chunk_size FROM blobs WHERE id = ?'),
    info: db.prepare('SELECT id, sha256, size, refcount, chunk_size FROM blobs WHERE id = ?'),
    chunks: db.prepare('SELECT data FROM blob_chunks WHERE blob_id = ? AND seq BETWEEN ? AND ? ORDER BY seq'),
    parsed: db.prepare('SELECT parsed FROM blobs WHERE id = ?'),
    // Never the highest id (see header), never one a message still points at (refcount drift guard).
    garbage: db.prepare(
      `SELECT id, size, chunk_size FROM blobs
        WHERE refcount <= 0
          AND id < (SELECT max(id) FROM blobs)
          AND NOT EXISTS (SELECT 1 FROM messages WHERE messages.blob_id = blobs.id)
        LIMIT ?`,
    ),
    delChunks: db.prepare('DELETE FROM blob_chunks WHERE blob_id = ?'),
    delSearch: db.prepare('DELETE FROM blob_search WHERE blob_id = ?'),
    delBlob: db.prepare('DELETE FROM blobs WHERE id = ?'),
}));

export function sha256Hex(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex');
}

/**
 * Store a message's bytes (once) and count `refs` new references to it. Returns the
 * blob id. Same bytes already stored → only the refcount grows. Runs in the
 * caller's transaction (or its own).
 */
export function putBlob(db: Db, raw: Buffer, parsed: ParsedMessage, refs: number): number {
  // Hash before taking the write lock (or not at all: prepared off the event loop, mime/parse-pool.ts).
  return tx(db, putBlobTx)(db, raw, parsed, refs, knownSha256(raw) ?? sha256Hex(raw));
}

function putBlobTx(db: Db, raw: Buffer, parsed: ParsedMessage, refs: number, sha: string): number {
  const s = stmts(db);
  const existing = s.bySha.get(sha);
  if (existing) {
    if (refs !== 0) s.addRefs.run(refs, existing.id);
    return existing.id;
  }
  const { search, ...rest } = parsed;
  const id = Number(s.insertBlob.run(sha, raw.length, refs, CHUNK_SIZE, JSON.stringify(rest), Date.now()).lastInsertRowid);
  const n = Math.max(1, Math.ceil(raw.length / CHUNK_SIZE));
  for (let seq = 0; seq < n; seq++) {
    s.insertChunk.run(id, seq, raw.subarray(seq * CHUNK_SIZE, Math.min((seq + 1) * CHUNK_SIZE, raw.length)));
  }
  // Lower-cased once: the search row, the sort keys and the full-text index all read them.
  const headers = search.lower?.headers ?? search.headers.toLowerCase();
  const body = search.lower?.body ?? search.body.toLowerCase();
  s.insertSearch.run(
    id,
    search.sentDate ?? null,
    search.sentDay ?? null,
    search.subject.toLowerCase(),
    search.from.toLowerCase(),
    search.to.toLowerCase(),
    search.cc.toLowerCase(),
    search.bcc.toLowerCase(),
    search.messageId.toLowerCase(),
    headers,
    body,
  );
  putSortFields(db, id, search.sentDate ?? null, sortFields(parsed.envelope, headers));
  indexBlob(db, id, search.fts ?? ftsDocument(headers, body));
  return id;
}

export function blobInfo(db: Db, blobId: number): BlobInfo | undefined {
  const r = stmts(db).info.get(blobId);
  return r && { id: r.id, sha256: r.sha256, size: r.size, refcount: r.refcount, chunkSize: r.chunk_size };
}

/** A stored blob's size and chunk size (cached: they never change). */
function blobMeta(db: Db, blobId: number): BlobMeta {
  const meta = cachedMeta(db, blobId, (id) => stmts(db).meta.get(id));
  if (!meta) throw notFound('blob', blobId);
  return meta;
}

/**
 * Bytes [start, end) of a blob (end clamped to its size), reading only the chunk
 * rows that overlap the range.
 */
export function readBlobRange(db: Db, blobId: number, start: number, end: number): Buffer {
  const s = stmts(db);
  const meta = blobMeta(db, blobId);
  if (start < 0 || !Number.isInteger(start) || !Number.isInteger(end)) {
    throw new GpError('BAD_RANGE', `invalid byte range ${start}-${end}`, { kind: 'internal' });
  }
  const stop = Math.min(end, meta.size);
  if (stop <= start) return Buffer.alloc(0);
  const cs = meta.chunk_size;
  const first = Math.floor(start / cs);
  const last = Math.floor((stop - 1) / cs);
  let chunks = cachedChunks(db, blobId, first, last);
  if (!chunks) {
    const rows = s.chunks.all(blobId, first, last);
    if (rows.length !== last - first + 1) {
      throw new GpError('BLOB_CORRUPT', `blob ${blobId} is missing chunks ${first}-${last}`, { kind: 'internal' });
    }
    chunks = rows.map((r) => r.data);
    keepChunks(db, blobId, first, chunks);
  }
  const from = start - first * cs;
  if (chunks.length === 1) return chunks[0]!.subarray(from, from + (stop - start));
  return Buffer.concat(chunks).subarray(from, from + (stop - start));
}

/**
 * Bytes [start, end) of a blob as a sequence of buffers, reading at most
 * `chunksPerRead` chunk rows per query, so a large body can be written to a socket
 * without holding it whole. No statement stays open between yields: the consumer
 * may await (socket drain) and use the database meanwhile.
 */
export function* readBlobChunks(
  db: Db,
  blobId: number,
  start: number,
  end: number,
  chunksPerRead = 8,
): Generator<Buffer, void, undefined> {
  const meta = blobMeta(db, blobId);
  const stop = Math.min(end, meta.size);
  const step = meta.chunk_size * Math.max(1, chunksPerRead);
  for (let at = Math.max(0, start); at < stop; ) {
    // Align reads to chunk boundaries after the first one.
    const next = Math.min(stop, (Math.floor(at / meta.chunk_size) * meta.chunk_size) + step);
    yield readBlobRange(db, blobId, at, next);
    at = next;
  }
}

/** The whole blob. */
export function readBlob(db: Db, blobId: number): Buffer {
  return readBlobRange(db, blobId, 0, blobMeta(db, blobId).size);
}

export const PARSED_CACHE_ENTRIES = 2000;
/** Budget of the parsed cache, in characters of JSON (roughly bytes). */
export const PARSED_CACHE_BYTES = 32 * 1024 * 1024;
const parsedCache = perConnection(() => new Lru<number, StoredParsed>(PARSED_CACHE_ENTRIES, PARSED_CACHE_BYTES));

/**
 * The parsed message (without search text) of a blob, from a small LRU cache.
 * The returned object is shared: callers must not modify it.
 */
export function getParsed(db: Db, blobId: number): StoredParsed {
  const c = parsedCache(db);
  const hit = c.get(blobId);
  if (hit) return hit;
  const row = stmts(db).parsed.get(blobId);
  if (!row) throw notFound('blob', blobId);
  const p = JSON.parse(row.parsed) as StoredParsed;
  c.set(blobId, p, row.parsed.length);
  return p;
}

/** Drop n references (an expunge). The blob stays until collectGarbage(). */
export function releaseBlobRefs(db: Db, blobId: number, n: number): void {
  if (n !== 0) stmts(db).addRefs.run(-n, blobId);
}

/** Add n references (a copy). */
export function addBlobRefs(db: Db, blobId: number, n: number): void {
  if (n !== 0) stmts(db).addRefs.run(n, blobId);
}

export interface GcResult {
  blobs: number;
  bytes: number;
}

/**
 * Second phase of deletion: free up to `limit` blobs that nothing references (their
 * chunks and search rows too), in one transaction. Call repeatedly until it
 * returns blobs: 0 to free everything.
 */
export function collectGarbage(db: Db, limit = 500): GcResult {
  return tx(db, collectGarbageTx)(db, limit);
}

function collectGarbageTx(db: Db, limit = 500): GcResult {
  const s = stmts(db);
  const c = parsedCache(db);
  const rows = s.garbage.all(limit);
  let bytes = 0;
  for (const r of rows) {
    s.delChunks.run(r.id);
    s.delSearch.run(r.id);
    deleteSortFields(db, r.id);
    unindexBlob(db, r.id);
    s.delBlob.run(r.id);
    c.delete(r.id);
    forgetChunks(db, r.id, Math.ceil(r.size / r.chunk_size));
    bytes += r.size;
  }
  return { blobs: rows.length, bytes };
}
