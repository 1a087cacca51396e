/**
 * Change events of the message store. Every mutating store function runs in a
 * transaction and returns what changed, including the ChangeEvents that describe
 * it; the caller publishes them with publish() only after the outermost
 * transaction has committed (a session must never announce what a rollback undid).
 */
import type { ChangeEvent, EventBus } from '../events/bus.js';

export interface HasEvents {
  events: ChangeEvent[];
}

/** Publish the events of one or more committed results, in order. */
export function publish(bus: EventBus, ...results: HasEvents[]): void {
  for (const r of results) {
    for (const ev of r.events) {
      try {
        bus.publish(ev);
      } catch {
        // The change is committed: a failing subscriber must not turn it into an error
        // for the caller (subscribers log their own failures).
      }
    }
  }
}

/**
 * Merge events per folder (a group commit delivers many messages to a folder): an
 * event joins the previous event of the same folder when that one has the same
 * type (and origin); uids are concatenated, modseq is the highest. The order of
 * different kinds of change within a folder is kept.
 */
export function mergeEvents(events: readonly ChangeEvent[]): ChangeEvent[] {
  const out: ChangeEvent[] = [];
  const lastOfFolder = new Map<number, number>();
  for (const ev of events) {
    if (ev.type === 'exists' || ev.type === 'expunge' || ev.type === 'flags') {
      const at = lastOfFolder.get(ev.folderId);
      const prev = at === undefined ? undefined : out[at];
      if (
        prev &&
        prev.type === ev.type &&
        (prev.type !== 'flags' || ev.type !== 'flags' || prev.origin === ev.origin)
      ) {
        const p = prev as typeof ev;
        out[at!] = { ...p, uids: p.uids.concat(ev.uids), modseq: Math.max(p.modseq, ev.modseq) };
        continue;
      }
      lastOfFolder.set(ev.folderId, out.length);
    } else if (ev.type === 'folder') {
      lastOfFolder.delete(ev.folderId);
    }
    out.push(ev);
  }
  return out;
}
