/**
 * The SORT and THREAD keys of a folder (RFC 5256, RFC 5957) from the indexed
 * blob_sort columns (filled once per blob at ingest, see mime/sort-fields.ts), read
 * column-wise in one aggregated row: a 100,000-message folder is one statement and
 * one JSON.parse per column, no row objects (bench/sort.ts).
 */
import type { Db } from './db.js';
import { cached } from './db.js';
import type { SortFields } from '../mime/sort-fields.js';
import { internerFor, type ThreadRefs } from './thread-names.js';

/** A column SORT can order by. `date` is the Date: header, else the internal date (RFC 5256 §3 DATE). */
export type SortColumn = 'arrival' | 'cc' | 'date' | 'from' | 'size' | 'subject' | 'to' | 'displayfrom' | 'displayto';

const SORT_SQL: Record<SortColumn, string> = {
  arrival: 'm.internal_date',
  cc: "coalesce(k.cc_key, '')",
  date: 'coalesce(k.sent_date, m.internal_date)',
  from: "coalesce(k.from_key, '')",
  size: 'm.size',
  subject: "coalesce(k.subject_key, '')",
  to: "coalesce(k.to_key, '')",
  displayfrom: "coalesce(k.display_from_key, '')",
  displayto: "coalesce(k.display_to_key, '')",
};

const FROM_FOLDER = 'FROM messages m LEFT JOIN blob_sort k ON k.blob_id = m.blob_id WHERE m.folder_id = ? AND m.uid > ?';

export function putSortFields(db: Db, blobId: number, sentDate: number | null, f: SortFields): void {
  const r = internerFor(db).refs(f.messageId, f.subjectKey, f.parents);
  cached(
    db,
    `INSERT OR REPLACE INTO blob_sort (blob_id, sent_date, subject_key, reply, from_key, to_key, cc_key,
       display_from_key, display_to_key, message_id, parents, message_ref, subject_ref, parent_refs)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    blobId,
    sentDate,
    f.subjectKey,
    f.reply ? 1 : 0,
    f.fromKey,
    f.toKey,
    f.ccKey,
    f.displayFromKey,
    f.displayToKey,
    f.messageId,
    f.parents,
    r.messageRef,
    r.subjectRef,
    r.parentRefs,
  );
}

export function deleteSortFields(db: Db, blobId: number): void {
  const r = cached(db, 'SELECT message_ref AS messageRef, subject_ref AS subjectRef, parent_refs AS parentRefs FROM blob_sort WHERE blob_id = ?').get(blobId) as
    | ThreadRefs
    | undefined;
  if (r) internerFor(db).release(r);
  cached(db, 'DELETE FROM blob_sort WHERE blob_id = ?').run(blobId);
}

export interface SortColumns {
  /** Ascending. */
  uids: number[];
  /** One array per requested column, parallel to `uids`. */
  values: Array<Array<number | string>>;
}

/** The folder's uids above `afterUid` with the values of `columns` (each column once), in uid order. */
export function sortColumns(db: Db, folderId: number, columns: readonly SortColumn[], afterUid = 0): SortColumns {
  const exprs = columns.map((c) => SORT_SQL[c]);
  const inner = ['m.uid AS c0', ...exprs.map((e, i) => `${e} AS c${i + 1}`)].join(', ');
  const outer = ['json_group_array(c0)', ...exprs.map((_, i) => `json_group_array(c${i + 1})`)].join(', ');
  const row = cached(db, `SELECT ${outer} FROM (SELECT ${inner} ${FROM_FOLDER} ORDER BY m.uid)`)
    .raw(true)
    .get(folderId, afterUid) as string[];
  const cols = row.map((json) => JSON.parse(json) as Array<number | string>);
  return { uids: cols[0] as number[], values: cols.slice(1) };
}

export interface ThreadColumns {
  uids: number[];
  /** RFC 5256 §3 sent date: the Date: header, else the internal date (ms). */
  dates: number[];
  subjects: string[];
  replies: number[];
  messageIds: string[];
  parents: string[];
}

/** What THREAD needs of the messages of a folder above `afterUid`, in uid order. */
export function threadColumns(db: Db, folderId: number, afterUid = 0): ThreadColumns {
  const row = cached(
    db,
    `SELECT json_group_array(uid), json_group_array(d), json_group_array(s), json_group_array(r), json_group_array(i), json_group_array(p)
       FROM (SELECT m.uid AS uid, coalesce(k.sent_date, m.internal_date) AS d, coalesce(k.subject_key, '') AS s,
                    coalesce(k.reply, 0) AS r, coalesce(k.message_id, '') AS i, coalesce(k.parents, '') AS p
               ${FROM_FOLDER} ORDER BY m.uid)`,
  )
    .raw(true)
    .get(folderId, afterUid) as string[];
  const [uids, dates, subjects, replies, messageIds, parents] = row.map((j) => JSON.parse(j) as unknown[]);
  return {
    uids: uids as number[],
    dates: dates as number[],
    subjects: subjects as string[],
    replies: replies as number[],
    messageIds: messageIds as string[],
    parents: parents as string[],
  };
}
