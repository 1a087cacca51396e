/**
 * Recently read blob chunks, per connection (store/blobs.ts readBlobRange): a
 * client reads the same message several times in a row — the header, then a part,
 * then the whole — and several clients of one mailbox read the same new message;
 * without this every read fetches whole 128 KiB chunks from SQLite again, each a
 * chain of encrypted overflow pages. A chunk never changes once stored and blob ids
 * are never reused, so an entry is only ever dropped for room, or when its blob is
 * freed (collectGarbage). The same holds for a blob's size and chunk size, asked for
 * on every read: they are kept here too.
 */
import type { Db } from './db.js';
import { Lru } from './lru.js';

/** Budget per connection. */
export const CHUNK_CACHE_BYTES = 32 * 1024 * 1024;
const CHUNK_CACHE_ENTRIES = 4096;
/** Chunks a blob may have (25 MiB / 128 KiB is 200; the key leaves room for 65,536). */
const SEQ_SPACE = 65_536;

/** A blob's size and chunk size: fixed once it is stored, asked for on every read of it. */
export interface BlobMeta {
  size: number;
  chunk_size: number;
}

/** Sizes of recently read blobs kept per connection. */
const META_ENTRIES = 65_536;

const caches = new WeakMap<Db, { chunks: Lru<number, Buffer>; metas: Lru<number, BlobMeta> }>();

function cachesOf(db: Db): { chunks: Lru<number, Buffer>; metas: Lru<number, BlobMeta> } {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = { chunks: new Lru(CHUNK_CACHE_ENTRIES, CHUNK_CACHE_BYTES), metas: new Lru(META_ENTRIES, META_ENTRIES) }));
  return c;
}

const cacheOf = (db: Db): Lru<number, Buffer> => cachesOf(db).chunks;

const key = (blobId: number, seq: number) => blobId * SEQ_SPACE + seq;

/** Chunks first..last of a blob when all of them are cached, else undefined. */
export function cachedChunks(db: Db, blobId: number, first: number, last: number): Buffer[] | undefined {
  const c = cacheOf(db);
  const out: Buffer[] = [];
  for (let seq = first; seq <= last; seq++) {
    const b = c.get(key(blobId, seq));
    if (!b) return undefined;
    out.push(b);
  }
  return out;
}

/** Remember chunks read from the store, starting at `first`. */
export function keepChunks(db: Db, blobId: number, first: number, chunks: Buffer[]): void {
  const c = cacheOf(db);
  for (let i = 0; i < chunks.length; i++) c.set(key(blobId, first + i), chunks[i]!, chunks[i]!.length);
}

/** Forget the `count` chunks of a freed blob (and its size). */
export function forgetChunks(db: Db, blobId: number, count: number): void {
  const c = cacheOf(db);
  for (let seq = 0; seq < count; seq++) c.delete(key(blobId, seq));
  cachesOf(db).metas.delete(blobId);
}

/** The blob's meta from this cache, else from `read` (undefined: no such blob, not remembered). */
export function cachedMeta(db: Db, blobId: number, read: (id: number) => BlobMeta | undefined): BlobMeta | undefined {
  const m = cachesOf(db).metas;
  const known = m.get(blobId);
  if (known) return known;
  const meta = read(blobId);
  if (meta) m.set(blobId, meta, 1);
  return meta;
}
