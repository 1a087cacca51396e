/**
 * RFC 3501 §2.3.2 \Recent claims in the store (messages.claimRecent): the first
 * claim after new mail takes the new uids, the next one none; a claim with nothing
 * new writes nothing (no transaction), and a claim that writes does so without an
 * fsync of its own (synchronous=NORMAL around it, the connection's FULL restored).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { appendMessages, claimRecent } from '../../src/store/messages.js';
import { putBlob } from '../../src/store/blobs.js';
import { parsedFor, rawMessage, tracedStore, type TracedStore } from './helpers.js';

let t: TracedStore;
let db: Db;
let trace: string[];
let inbox: number;

beforeEach(() => {
  t = tracedStore();
  ({ db, trace, inbox } = t);
});
afterEach(() => t.close());

function arrive(n: number): void {
  for (let i = 0; i < n; i++) {
    const raw = rawMessage(`recent-${trace.length}-${i}`);
    appendMessages(db, inbox, [{ blobId: putBlob(db, raw, parsedFor(raw), 1), size: raw.length, flags: 0, keywords: '' }]);
  }
}

describe('\\Recent claims', () => {
  it('gives new uids to the first claim only, writing without an fsync of its own', () => {
    arrive(3);
    trace.length = 0;
    expect(claimRecent(db, inbox)).toBe(0); // uids above 0 are \Recent for this claimer
    expect(trace).toContain('BEGIN IMMEDIATE');
    const begin = trace.indexOf('BEGIN IMMEDIATE');
    expect(trace.slice(0, begin)).toContain('PRAGMA synchronous = NORMAL');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    trace.length = 0;
    expect(claimRecent(db, inbox)).toBe(3);
    expect(trace.filter((t) => t.startsWith('BEGIN'))).toEqual([]);
    arrive(1);
    expect(claimRecent(db, inbox)).toBe(3);
    expect(claimRecent(db, inbox)).toBe(4);
  });
});
