import { describe, expect, it } from 'vitest';
import {
  CHUNK_SIZE,
  blobInfo,
  collectGarbage,
  getParsed,
  putBlob,
  readBlob,
  readBlobChunks,
  readBlobRange,
  releaseBlobRefs,
} from '../../src/store/blobs.js';
import { bigRaw, parsedFor, rawMessage, useStore } from './helpers.js';

const fx = useStore();

describe('blobs', () => {
  it('stores the same bytes once and counts references', () => {
    const raw = rawMessage('dedup');
    const a = putBlob(fx.db, raw, parsedFor(raw), 1);
    const b = putBlob(fx.db, Buffer.from(raw), parsedFor(raw), 2);
    expect(b).toBe(a);
    expect(blobInfo(fx.db, a)!.refcount).toBe(3);
    expect(fx.db.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual({ n: 1 });
    expect(readBlob(fx.db, a).equals(raw)).toBe(true);
  });

  it('keeps parsed JSON without search text, and search fields lower-cased', () => {
    const raw = rawMessage('Parsed');
    const id = putBlob(fx.db, raw, parsedFor(raw, 'Parsed'), 1);
    const stored = fx.db.prepare('SELECT parsed FROM blobs WHERE id = ?').get(id) as { parsed: string };
    expect(JSON.parse(stored.parsed)).not.toHaveProperty('search');
    const p = getParsed(fx.db, id);
    expect(p.envelope.subject).toBe('Parsed');
    expect(p.root.bodyEnd).toBe(raw.length);
    expect(getParsed(fx.db, id)).toBe(p); // served from the cache
    const s = fx.db.prepare('SELECT subject, from_text, body FROM blob_search WHERE blob_id = ?').get(id);
    expect(s).toEqual({ subject: 'parsed', from_text: 'a@example.org', body: 'body text' });
  });

  it('splits into chunks and reads ranges across chunk boundaries', () => {
    const raw = bigRaw(CHUNK_SIZE * 3 + 12345);
    const id = putBlob(fx.db, raw, parsedFor(raw), 1);
    const chunks = fx.db.prepare('SELECT seq, length(data) AS len FROM blob_chunks WHERE blob_id = ? ORDER BY seq').all(id);
    expect(chunks).toEqual([
      { seq: 0, len: CHUNK_SIZE },
      { seq: 1, len: CHUNK_SIZE },
      { seq: 2, len: CHUNK_SIZE },
      { seq: 3, len: 12345 },
    ]);
    expect(readBlob(fx.db, id).equals(raw)).toBe(true);
    const ranges: Array<[number, number]> = [
      [0, 1],
      [0, CHUNK_SIZE],
      [CHUNK_SIZE - 1, CHUNK_SIZE + 1],
      [CHUNK_SIZE - 10, 2 * CHUNK_SIZE + 10],
      [2 * CHUNK_SIZE, 3 * CHUNK_SIZE],
      [3 * CHUNK_SIZE + 5, raw.length],
      [100, raw.length + 1000], // end clamped
      [raw.length, raw.length + 5], // empty
      [500, 500],
    ];
    for (const [s, e] of ranges) {
      expect(readBlobRange(fx.db, id, s, e).equals(raw.subarray(s, Math.min(e, raw.length)))).toBe(true);
    }
  });

  it('a range read touches only the chunks it overlaps', () => {
    const raw = bigRaw(CHUNK_SIZE * 5);
    const id = putBlob(fx.db, raw, parsedFor(raw), 1);
    // Remove every chunk outside 1..2: a read of a range inside them must still work.
    fx.db.prepare('DELETE FROM blob_chunks WHERE blob_id = ? AND seq NOT IN (1, 2)').run(id);
    const s = CHUNK_SIZE + 7;
    const e = 3 * CHUNK_SIZE - 3;
    expect(readBlobRange(fx.db, id, s, e).equals(raw.subarray(s, e))).toBe(true);
    expect(() => readBlobRange(fx.db, id, 0, 10)).toThrow(/missing chunks/);
  });

  it('stores an empty message', () => {
    const raw = Buffer.alloc(0);
    const id = putBlob(fx.db, raw, parsedFor(Buffer.from('\r\n\r\n')), 1);
    expect(readBlob(fx.db, id).length).toBe(0);
  });

  it('frees unreferenced blobs in a second phase, never the newest id', () => {
    const raws = [rawMessage('g1', 1000), rawMessage('g2', 2000), rawMessage('g3', 3000)];
    const ids = raws.map((r) => putBlob(fx.db, r, parsedFor(r), 1));
    releaseBlobRefs(fx.db, ids[0]!, 1);
    releaseBlobRefs(fx.db, ids[2]!, 1);
    const gc = collectGarbage(fx.db, 100);
    // ids[2] is the highest id: kept so ids are never reused.
    expect(gc).toEqual({ blobs: 1, bytes: raws[0]!.length });
    expect(blobInfo(fx.db, ids[0]!)).toBeUndefined();
    expect(fx.db.prepare('SELECT count(*) AS n FROM blob_chunks WHERE blob_id = ?').get(ids[0]!)).toEqual({ n: 0 });
    expect(fx.db.prepare('SELECT count(*) AS n FROM blob_search WHERE blob_id = ?').get(ids[0]!)).toEqual({ n: 0 });
    expect(blobInfo(fx.db, ids[1]!)!.refcount).toBe(1);
    const r4 = rawMessage('g4');
    const id4 = putBlob(fx.db, r4, parsedFor(r4), 1);
    expect(id4).toBeGreaterThan(ids[2]!);
    expect(collectGarbage(fx.db, 100)).toEqual({ blobs: 1, bytes: raws[2]!.length });
    // Storing bytes again after their blob was freed makes a new blob.
    const again = putBlob(fx.db, raws[0]!, parsedFor(raws[0]!), 1);
    expect(again).toBeGreaterThan(id4);
    expect(readBlob(fx.db, again).equals(raws[0]!)).toBe(true);
  });
});

describe('readBlobChunks', () => {
  it('yields the range in pieces without an open statement between them', () => {
    const raw = bigRaw(CHUNK_SIZE * 4 + 99);
    const id = putBlob(fx.db, raw, parsedFor(raw), 1);
    for (const [s, e, per] of [
      [0, raw.length, 1],
      [10, raw.length - 10, 2],
      [CHUNK_SIZE + 1, CHUNK_SIZE + 2, 8],
      [5, 5, 1],
    ] as Array<[number, number, number]>) {
      const parts: Buffer[] = [];
      for (const b of readBlobChunks(fx.db, id, s, e, per)) {
        parts.push(b);
        // The database stays usable between pieces.
        expect(blobInfo(fx.db, id)!.size).toBe(raw.length);
        expect(b.length).toBeLessThanOrEqual(per * CHUNK_SIZE);
      }
      expect(Buffer.concat(parts).equals(raw.subarray(s, e))).toBe(true);
    }
  });
});
