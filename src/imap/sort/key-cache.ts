/**
 * THREAD's columns of recently threaded folders, kept in this process: a message's
 * keys never change (its blob is fixed; a uid is never reused within a
 * UIDVALIDITY), so a folder's rows are read from the store once and then only for
 * uids above the highest one read. Expunged messages stay until the entry is
 * rebuilt (when it holds twice the folder's messages); callers pass the matching
 * uids, which only name messages still there. A few folders are kept, least
 * recently used dropped first. (SORT needs no such cache: it is an index scan,
 * store/message-sort.ts.)
 */
import type { Db } from '../../store/db.js';
import { threadRows, type ParentRefs, type ThreadRows } from '../../store/message-sort.js';

const MAX_ENTRIES = 12;

interface Entry {
  uidValidity: number;
  rows: ThreadRows;
}

const entries = new Map<number, Entry>();

function remember(key: number, e: Entry): void {
  entries.delete(key);
  entries.set(key, e);
  while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
}

interface FolderRef {
  folderId: number;
  uidValidity: number;
  /** Messages the session sees now (a larger entry is rebuilt). */
  exists: number;
}

function joinParents(a: ParentRefs, b: ParentRefs): ParentRefs {
  const n = a.offsets.length - 1;
  const offsets = new Int32Array(n + b.offsets.length);
  offsets.set(a.offsets);
  const base = a.refs.length;
  for (let i = 1; i < b.offsets.length; i++) offsets[n + i] = base + b.offsets[i]!;
  return { offsets, refs: a.refs.concat(b.refs) };
}

function joinRows(a: ThreadRows, b: ThreadRows): ThreadRows {
  if (b.uids.length === 0) return a;
  return {
    uids: a.uids.concat(b.uids),
    dates: a.dates.concat(b.dates),
    subjects: a.subjects.concat(b.subjects),
    replies: a.replies.concat(b.replies),
    messageIds: a.messageIds.concat(b.messageIds),
    parents: joinParents(a.parents, b.parents),
  };
}

/** threadRows of store/message-sort.ts through the cache. */
export function folderThreadRows(db: Db, f: FolderRef): ThreadRows {
  let e = entries.get(f.folderId);
  if (!e || e.uidValidity !== f.uidValidity || e.rows.uids.length > 2 * f.exists + 1000) {
    e = { uidValidity: f.uidValidity, rows: threadRows(db, f.folderId) };
  } else {
    const u = e.rows.uids;
    e.rows = joinRows(e.rows, threadRows(db, f.folderId, u.length ? u[u.length - 1]! : 0));
  }
  remember(f.folderId, e);
  return e.rows;
}
