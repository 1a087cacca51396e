/**
 * The uids 'exists' events name stand in for a store read only when they continue
 * the view without a gap (src/imap/pending-updates.ts); otherwise the session asks
 * the store, so a change whose event was not heard is still reported.
 */
import { describe, expect, it } from 'vitest';
import { continuing } from '../../../src/imap/pending-updates.js';

describe('new uids named by events', () => {
  it('are used when they follow the last uid of the view one by one', () => {
    expect(continuing(new Set([11, 12, 13]), 10)).toEqual([11, 12, 13]);
    expect(continuing(new Set([13, 11, 12]), 10)).toEqual([11, 12, 13]);
  });

  it('leave out uids the view already has', () => {
    expect(continuing(new Set([9, 10, 11]), 10)).toEqual([11]);
  });

  it('are not trusted when one is missing at the start or in between', () => {
    expect(continuing(new Set([12, 13]), 10)).toBeUndefined();
    expect(continuing(new Set([11, 13]), 10)).toBeUndefined();
  });

  it('are not trusted when none is new', () => {
    expect(continuing(new Set(), 10)).toBeUndefined();
    expect(continuing(new Set([10]), 10)).toBeUndefined();
  });
});
