import { describe, it, expect } from 'vitest';
import { parseSequenceSet, formatSequenceSet, setContains, isSequenceSet } from '../../../src/imap/protocol/sequence.js';
import { View } from '../../../src/imap/selected-view.js';

describe('sequence sets (RFC 3501 §9)', () => {
  it('parses ranges, stars and lists in the order given', () => {
    expect(parseSequenceSet('1:*')).toEqual([{ from: 1, to: '*' }]);
    expect(parseSequenceSet('3,5:7')).toEqual([{ from: 3, to: 3 }, { from: 5, to: 7 }]);
    expect(parseSequenceSet('*:4')).toEqual([{ from: '*', to: 4 }]);
    expect(parseSequenceSet('*')).toEqual([{ from: '*', to: '*' }]);
  });
  it('refuses zero, empty parts, signs and out-of-range numbers', () => {
    for (const bad of ['', '0', '1:0', '1,,2', '-1', '1:', ':2', 'a', '4294967296', '1.5', '1:2:3']) {
      expect(() => parseSequenceSet(bad), bad).toThrow();
    }
    expect(parseSequenceSet('4294967295')).toEqual([{ from: 4294967295, to: 4294967295 }]);
  });
  it('resolves against a view: sequence numbers and uids', () => {
    const v = new View(1, 'INBOX', 1, false, [10, 20, 30, 40]);
    expect(v.resolveSet(parseSequenceSet('1:*'), false)).toEqual([10, 20, 30, 40]);
    expect(v.resolveSet(parseSequenceSet('*:3'), false)).toEqual([30, 40]);
    expect(v.resolveSet(parseSequenceSet('2,4'), false)).toEqual([20, 40]);
    expect(v.resolveSet(parseSequenceSet('15:35'), true)).toEqual([20, 30]);
    expect(v.resolveSet(parseSequenceSet('100:*'), true)).toEqual([40]);
    expect(() => v.resolveSet(parseSequenceSet('5'), false)).toThrow();
  });
  it('formats compact sets and tests membership', () => {
    expect(formatSequenceSet([7, 1, 2, 3, 9, 10])).toBe('1:3,7,9:10');
    expect(setContains(parseSequenceSet('5:*'), 7, 6)).toBe(false);
    expect(setContains(parseSequenceSet('5:*'), 6, 6)).toBe(true);
    expect(isSequenceSet('1:*,4')).toBe(true);
    expect(isSequenceSet('ALL')).toBe(false);
  });
});
