/**
 * The event bus (events/bus.ts): listeners of every change, and listeners of one
 * folder's changes only (an IMAP session hears the folder it has selected, so a
 * delivery does not call every session of the process).
 */
import { describe, expect, it } from 'vitest';
import { EventBus, type ChangeEvent } from '../../src/events/bus.js';

const exists = (folderId: number): ChangeEvent => ({ type: 'exists', folderId, uids: [1], modseq: 2 });

describe('EventBus', () => {
  it('gives a folder listener the changes of its folder only, and an every-change listener all of them', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribe((ev) => seen.push(`all ${ev.type}`));
    bus.subscribeFolder(7, (ev) => seen.push(`7 ${ev.type}`));
    bus.subscribeFolder(8, (ev) => seen.push(`8 ${ev.type}`));
    bus.publish(exists(7));
    bus.publish({ type: 'flags', folderId: 8, uids: [1], modseq: 3 });
    bus.publish({ type: 'folder', mailboxId: 1, folderId: 7, change: 'renamed' });
    bus.publish({ type: 'access', mailboxId: 1, reason: 'blocked' });
    expect(seen).toEqual(['all exists', '7 exists', 'all flags', '8 flags', 'all folder', '7 folder', 'all access']);
  });

  it('forgets a folder listener once unsubscribed, and the folder with its last listener', () => {
    const bus = new EventBus();
    let n = 0;
    const off1 = bus.subscribeFolder(7, () => n++);
    const off2 = bus.subscribeFolder(7, () => n++);
    expect(bus.size).toBe(2);
    off1();
    bus.publish(exists(7));
    expect(n).toBe(1);
    off2();
    expect(bus.size).toBe(0);
    bus.publish(exists(7));
    expect(n).toBe(1);
  });

  it('a listener that throws hides the change from no other listener', () => {
    const bus = new EventBus();
    const errors: unknown[] = [];
    bus.onError = (e) => errors.push(e);
    let heard = 0;
    bus.subscribeFolder(7, () => {
      throw new Error('boom');
    });
    bus.subscribeFolder(7, () => heard++);
    bus.publish(exists(7));
    expect(heard).toBe(1);
    expect(errors).toHaveLength(1);
  });
});
