/**
 * The change feed between processes: every change a process commits is published
 * on its own bus (store/ publishes after COMMIT) and, through this feed, on the
 * bus of every other process of the server, so a session sees every committed
 * change at once wherever it was made (IDLE, EXPUNGE, flags, purges, blocks).
 *
 * `linkBus` joins a bus to an IPC channel: local events go out, events coming in
 * are published locally (and not sent back out).
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
