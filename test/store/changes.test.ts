import { describe, expect, it } from 'vitest';
import { mergeEvents, publish } from '../../src/store/changes.js';
import { EventBus, type ChangeEvent } from '../../src/events/bus.js';

describe('change events', () => {
  it('merge per folder without reordering different kinds of change', () => {
    const evs: ChangeEvent[] = [
      { type: 'exists', folderId: 1, uids: [1], modseq: 2 },
      { type: 'exists', folderId: 2, uids: [7], modseq: 5 },
      { type: 'exists', folderId: 1, uids: [2], modseq: 3 },
      { type: 'expunge', folderId: 1, uids: [1], modseq: 4 },
      { type: 'exists', folderId: 1, uids: [3], modseq: 5 },
      { type: 'flags', folderId: 2, uids: [7], modseq: 6, origin: 'a' },
      { type: 'flags', folderId: 2, uids: [7], modseq: 7, origin: 'b' },
    ];
    expect(mergeEvents(evs)).toEqual([
      { type: 'exists', folderId: 1, uids: [1, 2], modseq: 3 },
      { type: 'exists', folderId: 2, uids: [7], modseq: 5 },
      { type: 'expunge', folderId: 1, uids: [1], modseq: 4 },
      { type: 'exists', folderId: 1, uids: [3], modseq: 5 },
      { type: 'flags', folderId: 2, uids: [7], modseq: 6, origin: 'a' },
      { type: 'flags', folderId: 2, uids: [7], modseq: 7, origin: 'b' },
    ]);
  });

  it('publish does not throw when a subscriber does, and goes on with the next event', () => {
    const bus = new EventBus();
    const got: ChangeEvent[] = [];
    bus.subscribe((ev) => got.push(ev));
    bus.subscribe(() => {
      throw new Error('subscriber bug');
    });
    const ev: ChangeEvent = { type: 'exists', folderId: 1, uids: [1], modseq: 2 };
    expect(() => publish(bus, { events: [ev] }, { events: [ev] })).not.toThrow();
    expect(got.length).toBe(2);
  });
});
