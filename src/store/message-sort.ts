/**
 * SORT and THREAD (RFC 5256, RFC 5957) from `message_sort` (migration 17, one row
 * per message kept by triggers): a folder's uids in the order of one key are a scan
 * of that key's covering index `(folder_id, key, uid)` (DATE, ARRIVAL) or a sort of
 * the folder's rows (the other keys), aggregated to one JSON
 * array in SQLite (no row objects, no sort in JavaScript); THREAD's columns are
 * integers (interned names, store/thread-names.ts), read in one statement.
 */
import type { Db } from './db.js';
import { cached } from './db.js';
import type { SortColumn } from './sort.js';

const KEY_COLUMN: Record<SortColumn, string> = {
  arrival: 'arrival',
  cc: 'cc_key',
  date: 'date',
  from: 'from_key',
  size: 'size',
  subject: 'subject_key',
  to: 'to_key',
  displayfrom: 'display_from_key',
  displayto: 'display_to_key',
};

export interface KeyOrder {
  /** The folder's uids by the key, ties by uid (both descending when `desc`). */
  uids: number[];
  /** The key of each, parallel to `uids` (only when asked for). */
  values?: Array<number | string>;
}

/**
 * The keys with an index of their own (migration 19): the orders clients ask for
 * (Roundcube and mutt sort by arrival or date). Every index is a page more to write
 * in each transaction that adds or expunges a message, so the others have none.
 */
const INDEXED: ReadonlySet<string> = new Set(['date', 'arrival']);

/**
 * The folder's messages in the order of one key: an index scan for DATE and ARRIVAL;
 * for the other keys the folder's rows (its range of the primary key) sorted by
 * SQLite, about 100 ms at 100,000 messages (`npm run bench:sort`).
 */
export function uidsByKey(db: Db, folderId: number, key: SortColumn, desc: boolean, withValues: boolean): KeyOrder {
  const col = KEY_COLUMN[key];
  const dir = desc ? 'DESC' : '';
  const sel = withValues ? `json_group_array(uid), json_group_array(${col})` : 'json_group_array(uid)';
  const from = INDEXED.has(col) ? `message_sort INDEXED BY message_sort_${col}` : 'message_sort';
  const sql = `SELECT ${sel} FROM (SELECT uid, ${col} FROM ${from} WHERE folder_id = ? ORDER BY ${col} ${dir}, uid ${dir})`;
  const row = cached(db, sql).raw(true).get(folderId) as string[];
  const uids = JSON.parse(row[0]!) as number[];
  return withValues ? { uids, values: JSON.parse(row[1]!) as Array<number | string> } : { uids };
}

/** Parent references of many messages: those of message i are refs[offsets[i]] .. refs[offsets[i + 1] - 1]. */
export interface ParentRefs {
  offsets: Int32Array;
  refs: number[];
}

export interface ThreadRows {
  uids: number[];
  /** RFC 5256 §3 sent date: the Date: header, else the internal date (ms). */
  dates: number[];
  /** Interned base subject (0 = empty). */
  subjects: number[];
  replies: number[];
  /** Interned Message-ID (0 = none). */
  messageIds: number[];
  parents: ParentRefs;
}

/** `"1 2,,7"` (messages by comma, refs by blank) into offsets and refs. */
export function parseParentRefs(text: string, count: number): ParentRefs {
  const offsets = new Int32Array(count + 1);
  const refs: number[] = [];
  let msg = 0;
  let n = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 44;
    if (c >= 48 && c <= 57) n = (n < 0 ? 0 : n * 10) + (c - 48);
    else {
      if (n >= 0) refs.push(n);
      n = -1;
      if (c === 44 && msg < count) offsets[++msg] = refs.length;
    }
  }
  for (let m = msg + 1; m <= count; m++) offsets[m] = refs.length;
  return { offsets, refs };
}

/** What THREAD needs of the messages of a folder above `afterUid`, in uid order: one statement. */
export function threadRows(db: Db, folderId: number, afterUid = 0): ThreadRows {
  const row = cached(
    db,
    `SELECT json_group_array(uid), json_group_array(date), json_group_array(subject_ref), json_group_array(reply),
            json_group_array(message_ref), group_concat(parent_refs, ',')
       FROM (SELECT uid, date, subject_ref, reply, message_ref, parent_refs FROM message_sort INDEXED BY message_sort_thread
              WHERE folder_id = ? AND uid > ? ORDER BY uid)`,
  )
    .raw(true)
    .get(folderId, afterUid) as [string, string, string, string, string, string | null];
  const uids = JSON.parse(row[0]) as number[];
  return {
    uids,
    dates: JSON.parse(row[1]) as number[],
    subjects: JSON.parse(row[2]) as number[],
    replies: JSON.parse(row[3]) as number[],
    messageIds: JSON.parse(row[4]) as number[],
    parents: parseParentRefs(row[5] ?? '', uids.length),
  };
}
