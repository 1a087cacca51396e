/**
 * The change feed between processes: every change a process commits is published
 * on its own bus (store/ publishes after COMMIT) and, through this feed, on the
 * bus of every other process of the server, so a session sees every committed
 * change at once wherever it was made (IDLE, EXPUNGE, flags, purges, blocks).
 *
 * `linkBus` joins a bus to an IPC channel: local events go out, events coming in
 * are published locally (and not sent back out). In a worker the feed is
 * acknowledged (worker.ts, primary.ts): a change counts as relayed once every
 * other worker has published it, and the bus's `settled()` — which the writer
 * awaits before answering a write — waits for that. So a client that got OK or 250
 * on one connection finds the change on its other connections, on any worker.
 */
import type { EventBus, ChangeEvent } from '../events/bus.js';

export interface Channel {
  send(ev: ChangeEvent): void;
  onReceive(fn: (ev: ChangeEvent) => void): () => void;
}

export function linkBus(bus: EventBus, channel: Channel): () => void {
  let inbound = false;
  const unsubscribe = bus.subscribe((ev) => {
    if (!inbound) channel.send(ev);
  });
  const stop = channel.onReceive((ev) => {
    inbound = true;
    try {
      bus.publish(ev);
    } finally {
      inbound = false;
    }
  });
  return () => {
    unsubscribe();
    stop();
  };
}
