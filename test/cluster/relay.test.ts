/**
 * The primary's routing of the change feed (cluster/relay.ts): a folder's changes
 * go only to the workers watching it, `access` changes to every worker, a watch is
 * answered once every other ready worker applied it, a write is answered at once
 * when nobody else wants it, and a dead worker's watches end with it.
 */
import { describe, it, expect } from 'vitest';
import type { Worker } from 'node:cluster';
import { ChangeRelay } from '../../src/cluster/relay.js';
import type { ToWorker } from '../../src/cluster/messages.js';

/** What the relay uses of a cluster worker: whether it is connected, and what it was sent. */
function worker(): Worker & { got: ToWorker[] } {
  const got: ToWorker[] = [];
  return { got, isConnected: () => true, send: (m: ToWorker) => (got.push(m), true) } as unknown as Worker & { got: ToWorker[] };
}

const flags = (folderId: number) => ({ type: 'flags' as const, folderId, uids: [1], modseq: 2 });

describe('ChangeRelay', () => {
  it('sends a folder change only to the workers watching it, and answers the writer when they applied it', () => {
    const [a, b, c] = [worker(), worker(), worker()];
    const relay = new ChangeRelay(() => [a, b, c]);
    relay.watch(b, 7, 1);
    expect(b.got).toEqual([]);
    const watching = [a, c].map((w) => w.got.at(-1)!);
    expect(watching).toMatchObject([{ gp: 'watching', folderId: 7, on: true }, { gp: 'watching', folderId: 7, on: true }]);
    for (const [w, m] of [[a, watching[0]], [c, watching[1]]] as const) relay.applied(w, (m as { id: number }).id);
    expect(b.got).toEqual([{ gp: 'watched', id: 1 }]);

    relay.relay(a, flags(7), 1);
    const change = b.got.at(-1)!;
    expect(change).toMatchObject({ gp: 'change', ev: flags(7) });
    expect(c.got.some((m) => m.gp === 'change')).toBe(false);
    expect(a.got.some((m) => m.gp === 'relayed')).toBe(false);
    const before = a.got.length;
    relay.applied(b, (change as { id: number }).id);
    expect(a.got.slice(before)).toEqual([{ gp: 'relayed', seq: 1 }]);
  });

  it('answers a write at once when no other worker watches its folder; access changes go to all', () => {
    const [a, b] = [worker(), worker()];
    const relay = new ChangeRelay(() => [a, b]);
    relay.relay(a, flags(3), 5);
    expect(b.got).toEqual([]);
    expect(a.got).toEqual([{ gp: 'relayed', seq: 5 }]);
    relay.relay(a, { type: 'access', mailboxId: 1, reason: 'blocked' }, 6);
    expect(b.got).toMatchObject([{ gp: 'change', ev: { type: 'access' } }]);
  });

  it('tells a worker what the others watch, and unwatches what a dead worker watched', () => {
    const [a, b] = [worker(), worker()];
    const relay = new ChangeRelay(() => [a, b]);
    relay.watch(a, 4, 1);
    relay.watch(a, 9, 2);
    expect(relay.watchersFor(b).sort()).toEqual([[4, 1], [9, 1]]);
    expect(relay.watchersFor(a)).toEqual([]);
    relay.gone(a);
    expect(relay.watchersFor(b)).toEqual([]);
    expect(b.got.filter((m) => m.gp === 'watching' && !m.on).map((m) => (m as { folderId: number }).folderId).sort()).toEqual([4, 9]);
    relay.relay(b, flags(4), 1);
    expect(a.got.some((m) => m.gp === 'change')).toBe(false);
  });

  it('does not wait for a worker that is not listening yet (it gets the whole table when it is)', () => {
    const [a, b] = [worker(), worker()];
    const relay = new ChangeRelay(() => [a, b], (w) => w === a);
    relay.watch(a, 2, 1);
    expect(a.got).toEqual([{ gp: 'watched', id: 1 }]);
    expect(relay.watchersFor(b)).toEqual([[2, 1]]);
  });
});
