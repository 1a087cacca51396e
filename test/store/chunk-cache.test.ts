/**
 * The cache of blob chunks (src/store/chunk-cache.ts) behind readBlobRange: a range
 * read again comes from memory with the same bytes, a second connection reads the
 * store itself, and a freed blob can no longer be read (the cache never answers for
 * a blob the store no longer has).
 */
import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE, collectGarbage, putBlob, readBlob, readBlobRange, releaseBlobRefs } from '../../src/store/blobs.js';
import { cachedChunks } from '../../src/store/chunk-cache.js';
import { openDb } from '../../src/store/db.js';
import { bigRaw, parsedFor, rawMessage, useStore } from './helpers.js';

const fx = useStore();

describe('blob chunk cache', () => {
  it('answers a range read again from the chunks it kept, with the same bytes', () => {
    const raw = bigRaw(3 * CHUNK_SIZE + 100);
    const id = putBlob(fx.db, raw, parsedFor(raw), 1);
    expect(cachedChunks(fx.db, id, 0, 3)).toBeUndefined();
    const first = readBlobRange(fx.db, id, CHUNK_SIZE - 10, 2 * CHUNK_SIZE + 10);
    expect(first.equals(raw.subarray(CHUNK_SIZE - 10, 2 * CHUNK_SIZE + 10))).toBe(true);
    expect(cachedChunks(fx.db, id, 0, 2)).toHaveLength(3);
    expect(cachedChunks(fx.db, id, 0, 3)).toBeUndefined();
    const again = readBlobRange(fx.db, id, 5, 2 * CHUNK_SIZE);
    expect(again.equals(raw.subarray(5, 2 * CHUNK_SIZE))).toBe(true);
    expect(readBlob(fx.db, id).equals(raw)).toBe(true);
    expect(cachedChunks(fx.db, id, 0, 3)).toHaveLength(4);
  });

  it('is per connection: another connection reads the store', () => {
    const raw = rawMessage('other connection', 5000);
    const id = putBlob(fx.db, raw, parsedFor(raw), 1);
    readBlob(fx.db, id);
    const other = openDb(fx.dir);
    try {
      expect(cachedChunks(other, id, 0, 0)).toBeUndefined();
      expect(readBlob(other, id).equals(raw)).toBe(true);
    } finally {
      other.close();
    }
  });

  it('forgets a freed blob, which can then no longer be read', () => {
    const keep = rawMessage('kept', 200);
    const gone = rawMessage('freed', 5000);
    const id = putBlob(fx.db, gone, parsedFor(gone), 1);
    putBlob(fx.db, keep, parsedFor(keep), 1); // the highest id is never freed
    readBlob(fx.db, id);
    expect(cachedChunks(fx.db, id, 0, 0)).toHaveLength(1);
    releaseBlobRefs(fx.db, id, 1);
    expect(collectGarbage(fx.db).blobs).toBe(1);
    expect(cachedChunks(fx.db, id, 0, 0)).toBeUndefined();
    expect(() => readBlob(fx.db, id)).toThrow(/blob/);
  });
});
