import { describe, it, expect } from 'vitest';
import { View } from '../../../src/imap/selected-view.js';
import { formatSequenceSet as uidSetString } from '../../../src/imap/protocol/sequence.js';

const view = () => new View(1, 'INBOX', 100, false, [3, 5, 7, 10, 20]);

describe('selected view: seq ↔ uid, sets (RFC 3501 §2.3.1, §9 sequence-set)', () => {
  it('maps both ways', () => {
    const v = view();
    expect(v.exists).toBe(5);
    expect(v.seqToUid(1)).toBe(3);
    expect(v.seqToUid(5)).toBe(20);
    expect(v.seqToUid(6)).toBeUndefined();
    expect(v.uidToSeq(10)).toBe(4);
    expect(v.uidToSeq(11)).toBeUndefined();
  });

  it('resolves sequence sets, * and reversed ranges', () => {
    const v = view();
    expect(v.resolveSet([{ from: 1, to: '*' }], false)).toEqual([3, 5, 7, 10, 20]);
    expect(v.resolveSet([{ from: '*', to: 4 }], false)).toEqual([10, 20]);
    expect(v.resolveSet([{ from: 2, to: 2 }, { from: 4, to: 5 }, { from: 2, to: 3 }], false)).toEqual([5, 7, 10, 20]);
    expect(() => v.resolveSet([{ from: 6, to: 6 }], false)).toThrow(/Invalid sequence number 6/);
    expect(() => v.resolveSet([{ from: 0, to: 1 }], false)).toThrow(/Invalid sequence number 0/);
  });

  it('resolves uid sets: only uids in the view; * is the largest uid', () => {
    const v = view();
    expect(v.resolveSet([{ from: 1, to: 6 }], true)).toEqual([3, 5]);
    expect(v.resolveSet([{ from: 8, to: '*' }], true)).toEqual([10, 20]);
    expect(v.resolveSet([{ from: 1000, to: '*' }], true)).toEqual([20]); // RFC 3501 §6.4.8: n:* includes the last
    expect(v.resolveSet([{ from: 4, to: 4 }], true)).toEqual([]);
    expect(v.resolveSet([{ from: 20, to: 1 }], true)).toEqual([3, 5, 7, 10, 20]);
  });

  it('empty folder: * matches nothing, a number is an error for sequence sets', () => {
    const v = new View(1, 'INBOX', 100, false, []);
    expect(v.resolveSet([{ from: 1, to: '*' }], false)).toEqual([]);
    expect(v.resolveSet([{ from: 1, to: '*' }], true)).toEqual([]);
    expect(() => v.resolveSet([{ from: 1, to: 1 }], false)).toThrow(/Invalid sequence number/);
  });

  it('append and remove keep the map', () => {
    const v = view();
    v.recent.add(5);
    expect(v.append([25, 21, 20])).toBe(2);
    expect(v.uids).toEqual([3, 5, 7, 10, 20, 21, 25]);
    expect(v.remove(5)).toBe(2);
    expect(v.recent.has(5)).toBe(false);
    expect(v.remove(5)).toBeUndefined();
    expect(v.seqToUid(2)).toBe(7);
  });

  it('uid sets as text', () => {
    expect(uidSetString([7, 1, 2, 3, 9, 10])).toBe('1:3,7,9:10');
    expect(uidSetString([])).toBe('');
  });

  it('a million-message view resolves 1:* quickly enough to be usable', () => {
    const uids = Array.from({ length: 1_000_000 }, (_, i) => i * 2 + 1);
    const v = new View(1, 'INBOX', 1, false, uids);
    expect(v.resolveSet([{ from: 1, to: '*' }], false)).toHaveLength(1_000_000);
    expect(v.uidToSeq(1_999_999)).toBe(1_000_000);
  });
});
