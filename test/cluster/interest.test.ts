/**
 * A worker's side of the folder interest (cluster/interest.ts): a SELECT's watch
 * holds until the primary says every other worker has it; until the primary has
 * said what the others watch, every change goes out; then only changes of watched
 * folders and access changes; a folder nobody here listens to any more is
 * unwatched by the sweep, one still being watched for is not.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import { WorkerInterest } from '../../src/cluster/interest.js';
import type { ToPrimary } from '../../src/cluster/messages.js';

const tick = () => new Promise((r) => setImmediate(r));
const flags = (folderId: number) => ({ type: 'flags' as const, folderId, uids: [1], modseq: 2 });
let interest: WorkerInterest | undefined;
afterEach(() => interest?.stop());

function make(): { bus: EventBus; sent: ToPrimary[]; interest: WorkerInterest } {
  const bus = new EventBus();
  const sent: ToPrimary[] = [];
  interest = new WorkerInterest(bus, (m) => sent.push(m), () => true);
  return { bus, sent, interest };
}

describe('WorkerInterest', () => {
  it('holds a SELECT until the other workers have its watch, and asks once per folder', async () => {
    const { sent, interest } = make();
    let held = true;
    const first = interest.watch(5).then(() => (held = false));
    const second = interest.watch(5);
    await tick();
    expect(held).toBe(true);
    expect(sent).toEqual([{ gp: 'watch', folderId: 5, id: 1 }]);
    interest.watched(1);
    await Promise.all([first, second]);
    expect(held).toBe(false);
    await interest.watch(5); // known: no new question
    expect(sent).toHaveLength(1);
  });

  it('sends every change until it knows what the others watch; then only theirs and access changes', () => {
    const { interest } = make();
    expect(interest.wanted(flags(1))).toBe(true);
    interest.watchers([[1, 1]]);
    expect(interest.wanted(flags(1))).toBe(true);
    expect(interest.wanted(flags(2))).toBe(false);
    expect(interest.wanted({ type: 'access', mailboxId: 3, reason: 'blocked' })).toBe(true);
    interest.watching(2, true);
    expect(interest.wanted(flags(2))).toBe(true);
    interest.watching(1, false);
    expect(interest.wanted(flags(1))).toBe(false);
  });

  it('unwatches a folder nobody here listens to, not one with a listener or a watch on its way', async () => {
    const { bus, sent, interest } = make();
    const w7 = interest.watch(7);
    interest.watched(1);
    await w7;
    void interest.watch(8); // not answered yet
    const stop = bus.subscribeFolder(7, () => undefined);
    interest.sweep();
    expect(sent.filter((m) => m.gp === 'unwatch')).toEqual([]);
    stop();
    interest.sweep();
    expect(sent.filter((m) => m.gp === 'unwatch')).toEqual([{ gp: 'unwatch', folderId: 7 }]);
    // watched again later: a new question
    void interest.watch(7);
    expect(sent.at(-1)).toMatchObject({ gp: 'watch', folderId: 7 });
  });
});
