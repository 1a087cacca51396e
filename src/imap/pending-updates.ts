/**
 * The untagged updates a session owes its client (RFC 3501 §7.4.1, §5.2): changes
 * other sessions, workers and the CLI committed to the selected folder, heard on the
 * event bus, held until a moment the RFC allows — after any command for EXISTS and
 * FETCH FLAGS, never after FETCH, STORE or SEARCH for EXPUNGE — or sent at once in
 * IDLE (RFC 2177). Also lines queued by commands (`* OK [ALERT]`).
 */
import type { ChangeEvent } from '../events/bus.js';
import type { Db } from '../store/db.js';
import type { View } from './selected-view.js';
import { listUidsAbove, getMessages } from '../store/messages.js';
import { messageFlags } from './flags-format.js';

/** What flushing needs of the session. */
export interface UpdateTarget {
  readonly selected: View | undefined;
  readonly enabled: ReadonlySet<string>;
  readonly condstore: boolean;
  send(line: string): Promise<void>;
  reportExpunged(uids: number[]): Promise<void>;
  reportExists(uids: number[]): Promise<void>;
  announceKeywords(keywords: string): Promise<void>;
}

export class PendingUpdates {
  private exists = false;
  /** The uids the 'exists' events named since the last flush. */
  private readonly existsUids = new Set<number>();
  private readonly flags = new Set<number>();
  private readonly expunge = new Set<number>();
  private readonly lines: string[] = [];

  /**
   * Take note of a committed change to the folder of `view`. Flag changes this
   * session made itself (`origin`) were answered by its own STORE. Returns false when
   * the event is about another folder.
   */
  note(ev: ChangeEvent, view: View, origin: string): boolean {
    switch (ev.type) {
      case 'exists':
        if (ev.folderId !== view.folderId) return false;
        this.exists = true;
        for (const u of ev.uids) this.existsUids.add(u);
        return true;
      case 'flags':
        if (ev.folderId !== view.folderId || ev.origin === origin) return false;
        for (const u of ev.uids) this.flags.add(u);
        return true;
      case 'expunge':
        if (ev.folderId !== view.folderId) return false;
        for (const u of ev.uids) this.expunge.add(u);
        return true;
      default:
        return false;
    }
  }

  queueLine(line: string): void {
    this.lines.push(line);
  }

  /** A new folder was selected, or none is: what was owed about the old one is moot. */
  clear(): void {
    this.exists = false;
    this.existsUids.clear();
    this.flags.clear();
    this.expunge.clear();
  }

  /** Write what is owed; EXPUNGE only when `expunge` (RFC 3501 §7.4.1). */
  async flush(target: UpdateTarget, db: Db, expunge: boolean): Promise<void> {
    while (this.lines.length) await target.send(this.lines.shift()!);
    const view = target.selected;
    if (!view) return;
    if (expunge && this.expunge.size) {
      const uids = [...this.expunge];
      this.expunge.clear();
      await target.reportExpunged(uids);
    }
    if (this.exists) {
      this.exists = false;
      const named = continuing(this.existsUids, view.maxUid);
      this.existsUids.clear();
      const fresh = (named ?? listUidsAbove(db, view.folderId, view.maxUid)).filter((u) => !this.expunge.has(u));
      if (fresh.length) await target.reportExists(fresh);
    }
    if (!this.flags.size) return;
    const uids = [...this.flags].filter((u) => view.has(u));
    this.flags.clear();
    if (!uids.length) return;
    for (const r of getMessages(db, view.folderId, uids)) {
      const seq = view.uidToSeq(r.uid);
      if (seq === undefined) continue;
      await target.announceKeywords(r.keywords);
      const modseq = target.condstore ? ` MODSEQ (${r.modseq})` : '';
      await target.send(`* ${seq} FETCH (UID ${r.uid} FLAGS ${messageFlags(target, r.uid, r.flags, r.keywords)}${modseq})`);
    }
  }
}

/**
 * The new uids the events named, in order, when they continue the view without a
 * gap (uids are handed out one by one, RFC 3501 §2.3.1.1): then the store need not
 * be asked. A gap means an event was not heard (or uids were skipped): undefined,
 * and the caller reads what is above `maxUid` from the store. This is what lets
 * one delivery reach a thousand IDLE sessions without a thousand queries.
 */
export function continuing(named: ReadonlySet<number>, maxUid: number): number[] | undefined {
  const uids = [...named].filter((u) => u > maxUid).sort((a, b) => a - b);
  if (!uids.length || uids[0] !== maxUid + 1 || uids[uids.length - 1] !== maxUid + uids.length) return undefined;
  return uids;
}
