import { describe, expect, it } from 'vitest';
import { blobInfo, collectGarbage, putBlob } from '../../src/store/blobs.js';
import { FLAG_ANSWERED, FLAG_DELETED, FLAG_FLAGGED, FLAG_SEEN, applyFlags, type StoreMode } from '../../src/store/flags.js';
import {
  appendMessages,
  changedSince,
  claimRecent,
  copyMessages,
  expungeDeleted,
  expungeMessages,
  firstUnseen,
  folderCounts,
  getMessageRange,
  getMessages,
  listUids,
  listUidsAbove,
  listView,
  listViewColumns,
  listViewRange,
  messagesStoredBefore,
  moveMessages,
  purgeStoredBefore,
  storeFlags,
  vanishedSince,
} from '../../src/store/messages.js';
import { getFolderById } from '../../src/store/folders.js';
import { parsedFor, rawMessage, useStore } from './helpers.js';

const fx = useStore();

/** Store n distinct messages in a folder, one blob each. */
function addN(folderId: number, n: number, opts: { flags?: number; storedAt?: number } = {}): number[] {
  const items = [];
  for (let i = 0; i < n; i++) {
    const raw = rawMessage(`m${folderId}-${Math.random()}-${i}`);
    const blobId = putBlob(fx.db, raw, parsedFor(raw), 1);
    items.push({ blobId, size: raw.length, flags: opts.flags ?? 0, storedAt: opts.storedAt });
  }
  return appendMessages(fx.db, folderId, items).uids;
}

describe('messages', () => {
  it('assigns consecutive uids, one modseq per batch, and never reuses uids', () => {
    const inbox = fx.folder('INBOX');
    const f0 = getFolderById(fx.db, inbox)!;
    const raw = rawMessage('a');
    const blobId = putBlob(fx.db, raw, parsedFor(raw), 3);
    const r = appendMessages(fx.db, inbox, [
      { blobId, size: raw.length, internalDate: 1000, storedAt: 2000 },
      { blobId, size: raw.length },
      { blobId, size: raw.length, flags: FLAG_SEEN, keywords: '$Work' },
    ]);
    expect(r.uids).toEqual([1, 2, 3]);
    expect(r.modseq).toBe(f0.highestmodseq + 1);
    expect(r.uidvalidity).toBe(f0.uidvalidity);
    expect(r.events).toEqual([{ type: 'exists', folderId: inbox, uids: [1, 2, 3], modseq: r.modseq }]);
    const [m1] = getMessages(fx.db, inbox, [1]);
    expect(m1).toMatchObject({ uid: 1, blobId, internalDate: 1000, storedAt: 2000, flags: 0, keywords: '', modseq: r.modseq });

    expungeMessages(fx.db, inbox, [3]);
    const next = addN(inbox, 1);
    expect(next).toEqual([4]);
    expect(listUids(fx.db, inbox)).toEqual([1, 2, 4]);
    expect(listUidsAbove(fx.db, inbox, 1)).toEqual([2, 4]);
    expect(getFolderById(fx.db, inbox)!.uidnext).toBe(5);
  });

  it('lists the view and fetches by uid set or range', () => {
    const inbox = fx.folder('INBOX');
    addN(inbox, 10);
    const view = listView(fx.db, inbox);
    expect(view.map((v) => v.uid)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Object.keys(view[0]!).sort()).toEqual(['flags', 'keywords', 'modseq', 'uid']);
    storeFlags(fx.db, { folderId: inbox, uids: [3], mode: 'add', flags: FLAG_SEEN, keywords: ['$A', 'b"c\\'] });
    const cols = listViewColumns(fx.db, inbox);
    expect(cols.uids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const v3 = listView(fx.db, inbox)[2]!;
    expect(v3).toEqual({ uid: 3, modseq: cols.modseqs[2], flags: FLAG_SEEN, keywords: '$A b"c\\' });
    expect(cols.keywords[2]).toBe('$A b"c\\');
    expect(cols.flags[2]).toBe(FLAG_SEEN);
    expect(listViewRange(fx.db, inbox, 3, 4).map((v) => v.uid)).toEqual([3, 4]);
    expect(listViewColumns(fx.db, fx.folder('Trash'))).toEqual({ uids: [], modseqs: [], flags: [], keywords: [] });
    expect(listView(fx.db, fx.folder('Trash'))).toEqual([]);
    expect(getMessages(fx.db, inbox, [9, 2, 42, 5]).map((m) => m.uid)).toEqual([2, 5, 9]);
    expect(getMessages(fx.db, inbox, []).length).toBe(0);
    expect(getMessageRange(fx.db, inbox, 3, 5).map((m) => m.uid)).toEqual([3, 4, 5]);
  });

  it('stores flags; unchanged messages keep their modseq; UNCHANGEDSINCE fails modified ones', () => {
    const inbox = fx.folder('INBOX');
    addN(inbox, 4);
    const m0 = getFolderById(fx.db, inbox)!.highestmodseq;

    const a = storeFlags(fx.db, { folderId: inbox, uids: [1, 2], mode: 'add', flags: FLAG_SEEN, keywords: ['$Work'] });
    expect(a.highestmodseq).toBe(m0 + 1);
    expect(a.changed).toEqual([
      { uid: 1, flags: FLAG_SEEN, keywords: '$Work', modseq: m0 + 1 },
      { uid: 2, flags: FLAG_SEEN, keywords: '$Work', modseq: m0 + 1 },
    ]);
    expect(a.events).toEqual([{ type: 'flags', folderId: inbox, uids: [1, 2], modseq: m0 + 1 }]);

    // Nothing changes: no new modseq, no event.
    const same = storeFlags(fx.db, { folderId: inbox, uids: [1, 2], mode: 'add', flags: FLAG_SEEN, keywords: ['$work'] });
    expect(same.changed).toEqual([]);
    expect(same.highestmodseq).toBe(m0 + 1);
    expect(same.events).toEqual([]);

    // Only uid 2 changes; uid 1 already has \Flagged after the first step.
    storeFlags(fx.db, { folderId: inbox, uids: [1], mode: 'add', flags: FLAG_FLAGGED, keywords: [] });
    const b = storeFlags(fx.db, { folderId: inbox, uids: [1, 2], mode: 'add', flags: FLAG_FLAGGED, keywords: [], origin: 'session-7' });
    expect(b.changed.map((c) => c.uid)).toEqual([2]);
    expect(b.events[0]).toMatchObject({ type: 'flags', uids: [2], origin: 'session-7' });
    const mod1 = getMessages(fx.db, inbox, [1])[0]!.modseq;
    expect(mod1).toBe(m0 + 2);

    // UNCHANGEDSINCE m0+1: uids 1 and 2 were modified later → MODIFIED; 3 and 4 are stored.
    const c = storeFlags(fx.db, { folderId: inbox, uids: [1, 2, 3, 4], mode: 'set', flags: FLAG_ANSWERED, keywords: ['X'], unchangedSince: m0 + 1 });
    expect(c.modifiedFailed).toEqual([1, 2]);
    expect(c.changed.map((x) => x.uid)).toEqual([3, 4]);
    expect(getMessages(fx.db, inbox, [1])[0]!.flags).toBe(FLAG_SEEN | FLAG_FLAGGED);
    expect(getMessages(fx.db, inbox, [3])[0]).toMatchObject({ flags: FLAG_ANSWERED, keywords: 'X' });

    const rm = storeFlags(fx.db, { folderId: inbox, uids: [1, 2, 3, 4], mode: 'remove', flags: FLAG_SEEN | FLAG_ANSWERED, keywords: ['$WORK', 'x'] });
    expect(rm.changed.map((x) => [x.uid, x.flags, x.keywords])).toEqual([
      [1, FLAG_FLAGGED, ''],
      [2, FLAG_FLAGGED, ''],
      [3, 0, ''],
      [4, 0, ''],
    ]);
    expect(changedSince(fx.db, inbox, c.highestmodseq).map((v) => v.uid)).toEqual([1, 2, 3, 4]);
    expect(changedSince(fx.db, inbox, rm.highestmodseq)).toEqual([]);
  });

  it('expunges into `expunged` with a new modseq and releases blob references', () => {
    const inbox = fx.folder('INBOX');
    const raw = rawMessage('shared');
    const blobId = putBlob(fx.db, raw, parsedFor(raw), 2);
    appendMessages(fx.db, inbox, [
      { blobId, size: raw.length },
      { blobId, size: raw.length },
    ]);
    addN(inbox, 2); // uids 3, 4; also makes `blobId` not the newest blob
    const before = getFolderById(fx.db, inbox)!.highestmodseq;
    storeFlags(fx.db, { folderId: inbox, uids: [1, 3], mode: 'add', flags: FLAG_DELETED, keywords: [] });
    const ex = expungeDeleted(fx.db, inbox);
    expect(ex.uids).toEqual([1, 3]);
    expect(ex.modseq).toBe(before + 2);
    expect(ex.events).toEqual([{ type: 'expunge', folderId: inbox, uids: [1, 3], modseq: ex.modseq }]);
    expect(vanishedSince(fx.db, inbox, before)).toEqual([1, 3]);
    expect(vanishedSince(fx.db, inbox, ex.modseq)).toEqual([]);
    expect(blobInfo(fx.db, blobId)!.refcount).toBe(1);
    expect(collectGarbage(fx.db, 10).blobs).toBe(1); // uid 3's blob; `blobId` still referenced by uid 2
    expect(blobInfo(fx.db, blobId)).toBeDefined();

    const again = expungeMessages(fx.db, inbox, [1, 3]);
    expect(again.uids).toEqual([]);
    expect(again.events).toEqual([]);
    expect(getFolderById(fx.db, inbox)!.highestmodseq).toBe(ex.modseq);

    expungeMessages(fx.db, inbox, [2]);
    expect(blobInfo(fx.db, blobId)!.refcount).toBe(0);
    expect(collectGarbage(fx.db, 10).blobs).toBe(1);
    expect(blobInfo(fx.db, blobId)).toBeUndefined();
  });

  it('copies sharing the blob, keeping flags and dates', () => {
    const inbox = fx.folder('INBOX');
    const archive = fx.folder('Archive');
    const raw = rawMessage('copy');
    const blobId = putBlob(fx.db, raw, parsedFor(raw), 1);
    appendMessages(fx.db, inbox, [{ blobId, size: raw.length, flags: FLAG_SEEN, keywords: 'K', internalDate: 111, storedAt: 222 }]);
    addN(archive, 2);
    const r = copyMessages(fx.db, inbox, [1, 99], archive);
    expect(r.srcUids).toEqual([1]);
    expect(r.dstUids).toEqual([3]);
    expect(r.uidvalidity).toBe(getFolderById(fx.db, archive)!.uidvalidity);
    expect(r.events).toEqual([{ type: 'exists', folderId: archive, uids: [3], modseq: r.modseq }]);
    expect(getMessages(fx.db, archive, [3])[0]).toMatchObject({
      blobId,
      flags: FLAG_SEEN,
      keywords: 'K',
      internalDate: 111,
      storedAt: 222,
      modseq: r.modseq,
    });
    expect(blobInfo(fx.db, blobId)!.refcount).toBe(2);
    expect(listUids(fx.db, inbox)).toEqual([1]);
  });

  it('moves in one transaction: copy plus expunge', () => {
    const inbox = fx.folder('INBOX');
    const trash = fx.folder('Trash');
    const uids = addN(inbox, 3, { flags: FLAG_FLAGGED });
    const blobs = getMessages(fx.db, inbox, uids).map((m) => m.blobId);
    const before = getFolderById(fx.db, inbox)!.highestmodseq;
    const r = moveMessages(fx.db, inbox, [1, 3], trash);
    expect(r.srcUids).toEqual([1, 3]);
    expect(r.dstUids).toEqual([1, 2]);
    expect(r.expungeModseq).toBe(before + 1);
    expect(r.events.map((e) => e.type)).toEqual(['exists', 'expunge']);
    expect(listUids(fx.db, inbox)).toEqual([2]);
    expect(vanishedSince(fx.db, inbox, before)).toEqual([1, 3]);
    expect(getMessages(fx.db, trash, [1, 2]).map((m) => [m.blobId, m.flags])).toEqual([
      [blobs[0], FLAG_FLAGGED],
      [blobs[2], FLAG_FLAGGED],
    ]);
    for (const b of blobs) expect(blobInfo(fx.db, b)!.refcount).toBe(1);
    // Into the same folder: new uids, the old ones expunged.
    const same = moveMessages(fx.db, inbox, [2], inbox);
    expect(same.dstUids).toEqual([4]);
    expect(listUids(fx.db, inbox)).toEqual([4]);
    expect(blobInfo(fx.db, blobs[1]!)!.refcount).toBe(1);
  });

  it('counts messages, unseen and recent; only one claim sees \\Recent', () => {
    const inbox = fx.folder('INBOX');
    addN(inbox, 3);
    storeFlags(fx.db, { folderId: inbox, uids: [2], mode: 'add', flags: FLAG_SEEN, keywords: [] });
    expect(folderCounts(fx.db, inbox)).toMatchObject({ messages: 3, unseen: 2, recent: 3, uidnext: 4 });
    expect(firstUnseen(fx.db, inbox)).toBe(1);
    expect(claimRecent(fx.db, inbox)).toBe(0); // this session: uids > 0 are \Recent
    expect(claimRecent(fx.db, inbox)).toBe(3); // the next one sees none
    expect(folderCounts(fx.db, inbox).recent).toBe(0);
    addN(inbox, 2);
    expect(folderCounts(fx.db, inbox).recent).toBe(2);
    storeFlags(fx.db, { folderId: inbox, uids: [1, 2, 3, 4, 5], mode: 'add', flags: FLAG_SEEN, keywords: [] });
    expect(firstUnseen(fx.db, inbox)).toBeNull();
  });

  it('lists what the retention purge must remove, oldest first', () => {
    const inbox = fx.folder('INBOX');
    const sent = fx.folder('Sent');
    addN(inbox, 2, { storedAt: 1000 });
    addN(sent, 1, { storedAt: 500 });
    addN(inbox, 1, { storedAt: 5000 });
    expect(messagesStoredBefore(fx.db, 2000, 10)).toEqual([
      { folderId: sent, uid: 1 },
      { folderId: inbox, uid: 1 },
      { folderId: inbox, uid: 2 },
    ]);
    const first = purgeStoredBefore(fx.db, 2000, 2);
    expect(first.messages).toBe(2);
    expect(first.events).toEqual([
      expect.objectContaining({ type: 'expunge', folderId: sent, uids: [1] }),
      expect.objectContaining({ type: 'expunge', folderId: inbox, uids: [1] }),
    ]);
    expect(purgeStoredBefore(fx.db, 2000, 100).messages).toBe(1);
    expect(purgeStoredBefore(fx.db, 2000, 100)).toEqual({ messages: 0, bytes: 0, events: [] });
    expect(listUids(fx.db, inbox)).toEqual([3]);
    expect(vanishedSince(fx.db, inbox, 0)).toEqual([1, 2]);
  });

  it('rolls back a failed operation as a whole', () => {
    const inbox = fx.folder('INBOX');
    const raw = rawMessage('rb');
    const blobId = putBlob(fx.db, raw, parsedFor(raw), 1);
    expect(() => appendMessages(fx.db, 999999, [{ blobId, size: raw.length }])).toThrow(/not found/);
    expect(() =>
      fx.db.transaction(() => {
        appendMessages(fx.db, inbox, [{ blobId, size: raw.length }]);
        throw new Error('boom');
      })(),
    ).toThrow('boom');
    expect(listUids(fx.db, inbox)).toEqual([]);
    expect(getFolderById(fx.db, inbox)!.uidnext).toBe(1);
  });

  it('STORE agrees with the flag model for random operations (set-based and row-by-row paths)', () => {
    const inbox = fx.folder('INBOX');
    const uids = addN(inbox, 30);
    const model = new Map(uids.map((u) => [u, { flags: 0, keywords: '', modseq: 0 }]));
    for (const r of listView(fx.db, inbox)) model.get(r.uid)!.modseq = r.modseq;
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const kwPool = ['$Work', '$work', 'Later', '$Junk'];
    for (let step = 0; step < 300; step++) {
      const mode = (['set', 'add', 'remove'] as StoreMode[])[rnd(3)]!;
      const mask = rnd(32);
      const kws = rnd(2) ? [] : kwPool.filter(() => rnd(2) === 1);
      const targets = uids.filter(() => rnd(3) === 0).concat(rnd(4) === 0 ? [999] : []);
      const hm = folderCounts(fx.db, inbox).highestmodseq;
      const since = rnd(3) === 0 ? hm - rnd(5) : undefined;
      const r = storeFlags(fx.db, { folderId: inbox, uids: targets, mode, flags: mask, keywords: kws, unchangedSince: since });
      const expectChanged: number[] = [];
      const expectFailed: number[] = [];
      for (const u of targets) {
        const m = model.get(u);
        if (!m) continue;
        if (since !== undefined && m.modseq > since) {
          expectFailed.push(u);
          continue;
        }
        const next = applyFlags(m.flags, m.keywords, mode, mask, mode === 'set' ? kws.filter((k, i) => kws.findIndex((x) => x.toLowerCase() === k.toLowerCase()) === i) : kws);
        if (next.mask !== m.flags || next.keywords !== m.keywords) {
          expectChanged.push(u);
          Object.assign(m, { flags: next.mask, keywords: next.keywords, modseq: hm + 1 });
        }
      }
      expect(r.changed.map((c) => c.uid)).toEqual(expectChanged);
      expect(r.modifiedFailed).toEqual(expectFailed);
      expect(r.highestmodseq).toBe(expectChanged.length ? hm + 1 : hm);
      for (const c of r.changed) expect(c).toEqual({ uid: c.uid, ...model.get(c.uid)! });
    }
    for (const v of listView(fx.db, inbox)) expect(v).toEqual({ uid: v.uid, ...model.get(v.uid)! });
  });
});
