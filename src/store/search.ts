/**
 * SEARCH leaves served by SQL (RFC 3501 §6.4.4): each function returns the uids of
 * a folder (ascending) matching one search key, so the IMAP layer evaluates the
 * search tree as set operations without shipping message text to JavaScript.
 *
 * Text keys are case-insensitive substring matches (§6.4.4 "case-insensitive
 * substring") against the lower-cased, decoded fields ingest stored in
 * blob_search; the needle is lower-cased here. System flags are a scan of the
 * folder's rows (UNSEEN an index); keywords and sequence sets are cheaper in the
 * session's view (messages.listViewColumns) and are not here.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { connectionOf } from './connection.js';

/** The blob_search columns each text key searches. `text` = headers + body (SEARCH TEXT). */
const TEXT_COLUMNS = {
  subject: ['s.subject'],
  from: ['s.from_text'],
  to: ['s.to_text'],
  cc: ['s.cc_text'],
  bcc: ['s.bcc_text'],
  messageId: ['s.message_id'],
  headers: ['s.headers'],
  body: ['s.body'],
  text: ['s.headers', 's.body'],
} as const satisfies Record<string, readonly string[]>;

export type TextField = keyof typeof TEXT_COLUMNS;

/** True where one of the field's columns contains :q. */
function textSql(field: TextField): string {
  const any = TEXT_COLUMNS[field].map((c) => `instr(${c}, :q) > 0`);
  return any.length > 1 ? `(${any.join(' OR ')})` : any[0]!;
}

/** Numeric message attributes a range key can compare. */
export type RangeField = 'size' | 'internalDate' | 'sentDate' | 'sentDay' | 'storedAt' | 'savedAt' | 'modseq';

const RANGE_SQL: Record<RangeField, { col: string; join: boolean }> = {
  size: { col: 'm.size', join: false },
  internalDate: { col: 'm.internal_date', join: false },
  storedAt: { col: 'm.stored_at', join: false },
  /** RFC 8514 save date; rows from before the column was added fall back to stored_at. */
  savedAt: { col: 'coalesce(m.saved_at, m.stored_at)', join: false },
  modseq: { col: 'm.modseq', join: false },
  sentDate: { col: 's.sent_date', join: true },
  /** The Date: header's calendar day in the sender's zone (00:00 UTC of it): SENTBEFORE/ON/SINCE. */
  sentDay: { col: 's.sent_day', join: true },
};

const FROM_JOIN = 'FROM messages m JOIN blob_search s ON s.blob_id = m.blob_id';

type Uids = Statement<[Record<string, number | string>], number>;
const cache = new WeakMap<Db, Map<string, Uids>>();

function stmt(handle: Db, key: string, sql: string): Uids {
  const db = connectionOf(handle);
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let s = m.get(key);
  if (!s) m.set(key, (s = db.prepare<[Record<string, number | string>], number>(sql).pluck()));
  return s;
}

/** Uids whose `field` contains `needle` (case-insensitive). An empty needle matches all. */
export function searchText(db: Db, folderId: number, field: TextField, needle: string): number[] {
  const where = textSql(field);
  return stmt(db, `t:${field}`, `SELECT m.uid ${FROM_JOIN} WHERE m.folder_id = :f AND ${where} ORDER BY m.uid`).all({
    f: folderId,
    q: needle.toLowerCase(),
  });
}

/**
 * SEARCH HEADER name value (§6.4.4): uids with a top-level header field `name` whose
 * value contains `value` (case-insensitive); an empty value matches any message with
 * that field. Candidates are narrowed in SQL, the field is checked line by line.
 */
export function searchHeader(db: Db, folderId: number, name: string, value: string): number[] {
  const n = name.toLowerCase() + ':';
  const v = value.toLowerCase();
  const rows = stmt(
    db,
    'h',
    `SELECT json_array(m.uid, s.headers) ${FROM_JOIN}
      WHERE m.folder_id = :f AND instr(s.headers, :n) > 0 AND instr(s.headers, :v) > 0 ORDER BY m.uid`,
  ).all({ f: folderId, n, v }) as unknown as string[];
  const out: number[] = [];
  for (const json of rows) {
    const [uid, headers] = JSON.parse(json) as [number, string];
    for (const line of headers.split('\n')) {
      if (line.startsWith(n) && line.slice(n.length).includes(v)) {
        out.push(uid);
        break;
      }
    }
  }
  return out;
}

/**
 * Uids with min <= field < max (either bound may be omitted). Dates are ms; the
 * IMAP layer turns BEFORE/ON/SINCE dates into such bounds. Messages without a
 * sent date never match a sentDate range.
 */
export function searchRange(db: Db, folderId: number, field: RangeField, min?: number, max?: number): number[] {
  const { col, join } = RANGE_SQL[field];
  const conds = [`m.folder_id = :f`, `${col} IS NOT NULL`];
  if (min !== undefined) conds.push(`${col} >= :min`);
  if (max !== undefined) conds.push(`${col} < :max`);
  const key = `r:${field}:${min !== undefined}:${max !== undefined}`;
  const sql = `SELECT m.uid ${join ? FROM_JOIN : 'FROM messages m'} WHERE ${conds.join(' AND ')} ORDER BY m.uid`;
  const params: Record<string, number> = { f: folderId };
  if (min !== undefined) params.min = min;
  if (max !== undefined) params.max = max;
  return stmt(db, key, sql).all(params);
}

/**
 * Uids with (`has`) or without a system flag bit (store/flags.ts), ascending. Without
 * \Seen (UNSEEN, the usual one) is read from the partial index messages_unseen.
 */
export function searchFlag(db: Db, folderId: number, bit: number, has: boolean): number[] {
  const unseen = bit === 1 && !has;
  const where = unseen ? '(flags & 1) = 0' : `(flags & :bit) ${has ? '<>' : '='} 0`;
  const sql = `SELECT json_group_array(uid) FROM (SELECT uid FROM messages WHERE folder_id = :f AND ${where} ORDER BY uid)`;
  const params: Record<string, number> = unseen ? { f: folderId } : { f: folderId, bit };
  return JSON.parse(stmt(db, unseen ? 'f:unseen' : `f:${has}`, sql).get(params) as unknown as string) as number[];
}
