/**
 * The SORT and THREAD keys of recently sorted folders, kept in this process: a
 * message's keys never change (its blob is fixed; a uid is never reused within a
 * UIDVALIDITY), so a folder's columns are read from the store once and then only
 * for uids above the highest one read. Expunged messages stay until the entry is
 * rebuilt (when it holds twice the folder's messages); callers pass the matching
 * uids, which only name messages still there. A few folders are kept, least
 * recently used dropped first.
 */
import type { Db } from '../../store/db.js';
import { sortColumns, threadColumns, type SortColumn, type ThreadColumns } from '../../store/sort.js';

const MAX_ENTRIES = 12;

interface Entry {
  uidValidity: number;
  uids: number[];
  cols: unknown[][];
}

const entries = new Map<string, Entry>();

function remember(key: string, e: Entry): void {
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

function load(db: Db, key: string, f: FolderRef, read: (afterUid: number) => { uids: number[]; cols: unknown[][] }): Entry {
  let e = entries.get(key);
  if (!e || e.uidValidity !== f.uidValidity || e.uids.length > 2 * f.exists + 1000) {
    const r = read(0);
    e = { uidValidity: f.uidValidity, uids: r.uids, cols: r.cols };
  } else {
    const last = e.uids.length ? e.uids[e.uids.length - 1]! : 0;
    const r = read(last);
    for (let j = 0; j < r.uids.length; j++) {
      e.uids.push(r.uids[j]!);
      for (let i = 0; i < r.cols.length; i++) e.cols[i]!.push(r.cols[i]![j]);
    }
  }
  remember(key, e);
  return e;
}

/** sortColumns of store/sort.ts through the cache. */
export function folderSortColumns(db: Db, f: FolderRef, columns: readonly SortColumn[]): { uids: number[]; values: Array<Array<number | string>> } {
  const distinct = [...new Set(columns)];
  const e = load(db, `s:${f.folderId}:${distinct.join(',')}`, f, (after) => {
    const r = sortColumns(db, f.folderId, distinct, after);
    return { uids: r.uids, cols: r.values };
  });
  const values = columns.map((c) => e.cols[distinct.indexOf(c)] as Array<number | string>);
  return { uids: e.uids, values };
}

/** threadColumns of store/sort.ts through the cache. */
export function folderThreadColumns(db: Db, f: FolderRef): ThreadColumns {
  const e = load(db, `t:${f.folderId}`, f, (after) => {
    const r = threadColumns(db, f.folderId, after);
    return { uids: r.uids, cols: [r.dates, r.subjects, r.replies, r.messageIds, r.parents] };
  });
  const [dates, subjects, replies, messageIds, parents] = e.cols as [number[], string[], number[], string[], string[]];
  return { uids: e.uids, dates, subjects, replies, messageIds, parents };
}
