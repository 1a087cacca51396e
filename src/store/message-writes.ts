/**
 * Messages in folders — changes: append (UIDs from uidnext), STORE (RFC 3501
 * §6.4.6), expunge (§6.4.3), COPY (§6.4.7), MOVE (RFC 6851), the retention purge;
 * each in a transaction, returning its change events (rules: messages.ts).
 */
import type { Db } from './db.js';
import { tx } from './tx.js';
import type { ChangeEvent } from '../events/bus.js';
import { GpError } from '../shared/errors.js';
import { addBlobRefs, releaseBlobRefs } from './blobs.js';
import { ALL_SYSTEM_FLAGS, applyFlags, joinKeywords, type StoreMode } from './flags.js';
import { MAX_UID, stmts, folderState, selectable, uidJson, type NewMessage, type ViewEntry, type AppendResult, type StoreResult, type ExpungeResult, type CopyResult, type MoveResult, type FolderState, type IdRow } from './message-rows.js';
import { getMessages } from './message-reads.js';


/**
 * Add messages to a folder (delivery, APPEND). The blobs' references must already
 * be counted (putBlob's `refs`). UIDs are consecutive from uidnext; one new modseq
 * for the batch.
 */
export function appendMessages(db: Db, folderId: number, items: readonly NewMessage[]): AppendResult {
  return tx(db, appendMessagesTx)(db, folderId, items);
}

function appendMessagesTx(db: Db, folderId: number, items: readonly NewMessage[]): AppendResult {
  const s = stmts(db);
  const f = selectable(folderState(db, folderId));
  if (items.length === 0) {
    return { folderId, uids: [], modseq: f.highestmodseq, uidvalidity: f.uidvalidity, events: [] };
  }
  if (f.uidnext + items.length - 1 > MAX_UID) {
    throw new GpError('UID_EXHAUSTED', `folder ${folderId} has no UIDs left; it must be recreated`, {
      kind: 'refusal',
    });
  }
  const modseq = f.highestmodseq + 1;
  const now = Date.now();
  const uids: number[] = [];
  let uid = f.uidnext;
  for (const m of items) {
    const storedAt = m.storedAt ?? now;
    s.insert.run(
      folderId,
      uid,
      m.blobId,
      m.size,
      m.flags ?? 0,
      m.keywords ?? '',
      m.internalDate ?? storedAt,
      storedAt,
      modseq,
      m.internalZone ?? 0,
      now,
    );
    uids.push(uid++);
  }
  s.setUidnext.run(uid, modseq, folderId);
  return {
    folderId,
    uids,
    modseq,
    uidvalidity: f.uidvalidity,
    events: [{ type: 'exists', folderId, uids, modseq }],
  };
}

/**
 * STORE (RFC 3501 §6.4.6) with optional UNCHANGEDSINCE (RFC 7162 §3.1.3).
 * `flags` is a system-flag mask, `keywords` a keyword list. Messages whose flags do
 * not change keep their modseq; the others all get one new modseq.
 */
export interface StoreFlagsRequest {
  folderId: number;
  uids: readonly number[];
  mode: StoreMode;
  /** System-flag mask (store/flags.ts). */
  flags: number;
  keywords: readonly string[];
  /** RFC 7162 §3.1.3: rows with a greater modseq are not changed (MODIFIED). */
  unchangedSince?: number;
  /** The session that asked, so it is not told its own change twice. */
  origin?: string;
}

export function storeFlags(db: Db, req: StoreFlagsRequest): StoreResult {
  return tx(db, storeFlagsTx)(db, req);
}

function storeFlagsTx(db: Db, { folderId, uids, mode, flags, keywords, unchangedSince, origin }: StoreFlagsRequest): StoreResult {
  const s = stmts(db);
  const kw = mode === 'set' ? joinKeywords(keywords).split(' ').filter(Boolean) : keywords;
  const f = folderState(db, folderId);
  const modseq = f.highestmodseq + 1;
  let changed: ViewEntry[] = [];
  let modifiedFailed: number[] = [];
  if (uids.length === 0) {
    // Nothing asked.
  } else if (kw.length === 0) {
    // System flags only: one set-based UPDATE (several times faster on STORE 1:* than row by row).
    const list = uidJson(uids);
    const limit = unchangedSince ?? Number.MAX_SAFE_INTEGER;
    if (unchangedSince !== undefined) modifiedFailed = s.modifiedAbove.all(folderId, list, unchangedSince);
    const mask = flags & ALL_SYSTEM_FLAGS;
    const st = mode === 'add' ? s.maskAdd : mode === 'remove' ? s.maskRemove : s.maskSet;
    const rows = st.all({ f: folderId, u: list, m: mask, ms: modseq, lim: limit });
    rows.sort((a, b) => a[0] - b[0]);
    changed = rows.map((r) => ({ uid: r[0], flags: r[1], keywords: r[2], modseq }));
  } else {
    // Keywords involved: row by row, compared case-insensitively in JavaScript.
    for (const r of s.flagRows.all(folderId, uidJson(uids))) {
      if (unchangedSince !== undefined && r.modseq > unchangedSince) {
        modifiedFailed.push(r.uid);
        continue;
      }
      const next = applyFlags(r.flags, r.keywords, mode, flags, kw);
      if (next.mask === r.flags && next.keywords === r.keywords) continue;
      s.setFlags.run(next.mask, next.keywords, modseq, r.id);
      changed.push({ uid: r.uid, flags: next.mask, keywords: next.keywords, modseq });
    }
  }
  if (changed.length === 0) return { changed, modifiedFailed, highestmodseq: f.highestmodseq, events: [] };
  s.setModseq.run(modseq, folderId);
  const ev: ChangeEvent = {
    type: 'flags',
    folderId,
    uids: changed.map((c) => c.uid),
    modseq,
    ...(origin !== undefined ? { origin } : {}),
  };
  return { changed, modifiedFailed, highestmodseq: modseq, events: [ev] };
}

interface Removed {
  uids: number[];
  modseq: number;
}

/** Delete rows (already selected), remember them in `expunged`, drop blob refs. */
function removeRows(db: Db, f: FolderState, rows: readonly IdRow[]): Removed {
  const s = stmts(db);
  if (rows.length === 0) return { uids: [], modseq: f.highestmodseq };
  const modseq = f.highestmodseq + 1;
  const refs = new Map<number, number>();
  const uids: number[] = [];
  for (const r of rows) {
    s.deleteById.run(r.id);
    s.insertExpunged.run(f.id, r.uid, modseq);
    refs.set(r.blob_id, (refs.get(r.blob_id) ?? 0) + 1);
    uids.push(r.uid);
  }
  for (const [blobId, n] of refs) releaseBlobRefs(db, blobId, n);
  s.setModseq.run(modseq, f.id);
  return { uids, modseq };
}

/**
 * Remove messages (EXPUNGE, UID EXPUNGE, purge). Their uids go to `expunged` with a
 * new modseq; blob references are released (blobs freed later by collectGarbage).
 */
export function expungeMessages(db: Db, folderId: number, uids: readonly number[]): ExpungeResult {
  return tx(db, expungeMessagesTx)(db, folderId, uids);
}

function expungeMessagesTx(db: Db, folderId: number, uids: readonly number[]): ExpungeResult {
  const s = stmts(db);
  const f = folderState(db, folderId);
  const rows = uids.length ? s.idRows.all(folderId, uidJson(uids)) : [];
  const r = removeRows(db, f, rows);
  return { ...r, events: r.uids.length ? [{ type: 'expunge', folderId, uids: r.uids, modseq: r.modseq }] : [] };
}

/** Uids flagged \Deleted, ascending (what EXPUNGE removes). */
export function deletedUids(db: Db, folderId: number): number[] {
  return stmts(db).deleted.all(folderId);
}

/**
 * EXPUNGE (RFC 3501 §6.4.3) / UID EXPUNGE (RFC 4315 §2.1): remove the messages
 * flagged \Deleted, restricted to `within` when given.
 */
export function expungeDeleted(db: Db, folderId: number, within?: readonly number[]): ExpungeResult {
  return tx(db, expungeDeletedTx)(db, folderId, within);
}

function expungeDeletedTx(db: Db, folderId: number, within?: readonly number[]): ExpungeResult {
  let uids = deletedUids(db, folderId);
  if (within) {
    const allowed = new Set(within);
    uids = uids.filter((u) => allowed.has(u));
  }
  return expungeMessages(db, folderId, uids);
}

function copyInto(db: Db, fromFolderId: number, uids: readonly number[], toFolderId: number) {
  const s = stmts(db);
  const dst = selectable(folderState(db, toFolderId));
  folderState(db, fromFolderId);
  const rows = uids.length ? s.copyRows.all(fromFolderId, uidJson(uids)) : [];
  if (rows.length === 0) {
    return { rows, srcUids: [] as number[], dstUids: [] as number[], uidvalidity: dst.uidvalidity, modseq: dst.highestmodseq };
  }
  if (dst.uidnext + rows.length - 1 > MAX_UID) {
    throw new GpError('UID_EXHAUSTED', `folder ${toFolderId} has no UIDs left; it must be recreated`);
  }
  const modseq = dst.highestmodseq + 1;
  const srcUids: number[] = [];
  const dstUids: number[] = [];
  const refs = new Map<number, number>();
  let uid = dst.uidnext;
  // RFC 8514 §3: the copy's save date is now; stored_at (retention) is kept
  const savedAt = Date.now();
  for (const r of rows) {
    s.insert.run(toFolderId, uid, r.blobId, r.size, r.flags, r.keywords, r.internalDate, r.storedAt, modseq, r.internalZone, savedAt);
    refs.set(r.blobId, (refs.get(r.blobId) ?? 0) + 1);
    srcUids.push(r.uid);
    dstUids.push(uid++);
  }
  for (const [blobId, n] of refs) addBlobRefs(db, blobId, n);
  s.setUidnext.run(uid, modseq, toFolderId);
  return { rows, srcUids, dstUids, uidvalidity: dst.uidvalidity, modseq };
}

/**
 * COPY (RFC 3501 §6.4.7, COPYUID of RFC 4315 §3): same blob (one more reference),
 * new uids; flags, keywords, internal date and stored_at are kept (the retention
 * clock does not restart on copy).
 */
export function copyMessages(db: Db, fromFolderId: number, uids: readonly number[], toFolderId: number): CopyResult {
  return tx(db, copyMessagesTx)(db, fromFolderId, uids, toFolderId);
}

function copyMessagesTx(db: Db, fromFolderId: number, uids: readonly number[], toFolderId: number): CopyResult {
  const c = copyInto(db, fromFolderId, uids, toFolderId);
  return {
    srcUids: c.srcUids,
    dstUids: c.dstUids,
    uidvalidity: c.uidvalidity,
    modseq: c.modseq,
    events: c.dstUids.length ? [{ type: 'exists', folderId: toFolderId, uids: c.dstUids, modseq: c.modseq }] : [],
  };
}

/** MOVE (RFC 6851 §3): copy and expunge in one transaction. */
export function moveMessages(db: Db, fromFolderId: number, uids: readonly number[], toFolderId: number): MoveResult {
  return tx(db, moveMessagesTx)(db, fromFolderId, uids, toFolderId);
}

function moveMessagesTx(db: Db, fromFolderId: number, uids: readonly number[], toFolderId: number): MoveResult {
  const c = copyInto(db, fromFolderId, uids, toFolderId);
  const src = folderState(db, fromFolderId);
  const removed = removeRows(
    db,
    src,
    c.rows.map((r) => ({ id: r.id, uid: r.uid, blob_id: r.blobId })),
  );
  const events: ChangeEvent[] = [];
  if (c.dstUids.length) {
    events.push({ type: 'exists', folderId: toFolderId, uids: c.dstUids, modseq: c.modseq });
    events.push({ type: 'expunge', folderId: fromFolderId, uids: removed.uids, modseq: removed.modseq });
  }
  return {
    srcUids: c.srcUids,
    dstUids: c.dstUids,
    uidvalidity: c.uidvalidity,
    modseq: c.modseq,
    expungeModseq: removed.modseq,
    events,
  };
}

export interface PurgeResult {
  /** Messages expunged (each folder copy counts). */
  messages: number;
  /** Sum of their sizes (bytes freed once collectGarbage runs, less any shared blobs). */
  bytes: number;
  events: ChangeEvent[];
}

/**
 * One step of the retention purge: expunge up to `limit` messages stored before
 * `cutoff` (ms), oldest first, in one transaction; open sessions see EXPUNGE /
 * VANISHED from the returned events. Repeat until messages is 0, then
 * collectGarbage frees the bytes.
 */
export function purgeStoredBefore(db: Db, cutoff: number, limit: number): PurgeResult {
  return tx(db, purgeStoredBeforeTx)(db, cutoff, limit);
}

function purgeStoredBeforeTx(db: Db, cutoff: number, limit: number): PurgeResult {
  const s = stmts(db);
  const byFolder = new Map<number, number[]>();
  for (const r of s.storedBefore.all(cutoff, limit)) {
    let list = byFolder.get(r.folderId);
    if (!list) byFolder.set(r.folderId, (list = []));
    list.push(r.uid);
  }
  let messages = 0;
  let bytes = 0;
  const events: ChangeEvent[] = [];
  for (const [folderId, uids] of byFolder) {
    for (const m of getMessages(db, folderId, uids)) bytes += m.size;
    const ex = expungeMessages(db, folderId, uids);
    messages += ex.uids.length;
    events.push(...ex.events);
  }
  return { messages, bytes, events };
}

/**
 * Remove every message of a folder that is being deleted (RFC 3501 §6.3.4): blob
 * references released per blob, rows deleted in bulk, and no `expunged` rows (the
 * folder's uidvalidity ends with it). Returns the removed uids, ascending.
 */
export function dropFolderMessages(db: Db, folderId: number): number[] {
  return tx(db, dropFolderMessagesTx)(db, folderId);
}

function dropFolderMessagesTx(db: Db, folderId: number): number[] {
  const s = stmts(db);
  const uids = s.uids.all(folderId);
  if (uids.length === 0) return uids;
  for (const r of s.blobRefs.all(folderId)) releaseBlobRefs(db, r.blobId, r.n);
  s.deleteFolderRows.run(folderId);
  return uids;
}
