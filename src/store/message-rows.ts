/**
 * Messages in folders — the row shapes, the prepared statements (one cache per
 * connection) and the small helpers shared by message-reads.ts and
 * message-writes.ts. The rules these modules keep are in messages.ts.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { perConnection } from './connection.js';
import type { ChangeEvent } from '../events/bus.js';
import { GpError, notFound } from '../shared/errors.js';
import { FLAG_DELETED, FLAG_SEEN } from './flags.js';
import { isNoselect } from './noselect.js';


export const MAX_UID = 0xffffffff;

export interface NewMessage {
  blobId: number;
  size: number;
  /** System-flag mask (store/flags.ts). */
  flags?: number;
  /** Space-separated keywords. */
  keywords?: string;
  /** INTERNALDATE, ms; defaults to storedAt. */
  internalDate?: number;
  /** INTERNALDATE's zone, minutes east of UTC (0 when not given). */
  internalZone?: number;
  /** When the server stored it, ms; defaults to now. */
  storedAt?: number;
}

/** What a session keeps per message in its view of a selected folder. */
export interface ViewEntry {
  uid: number;
  modseq: number;
  flags: number;
  keywords: string;
}

export interface MessageRow {
  uid: number;
  blobId: number;
  size: number;
  internalDate: number;
  /** Minutes east of UTC that INTERNALDATE is shown in (APPEND's zone; 0 otherwise). */
  internalZone: number;
  storedAt: number;
  flags: number;
  keywords: string;
  modseq: number;
  /** RFC 8514 save date (ms): when it was saved into this folder; null for rows older than the column. */
  savedAt: number | null;
}

export interface AppendResult {
  folderId: number;
  uids: number[];
  modseq: number;
  uidvalidity: number;
  events: ChangeEvent[];
}

export interface StoreResult {
  changed: ViewEntry[];
  /** RFC 7162 §3.1.3: messages whose modseq was above UNCHANGEDSINCE; left alone. */
  modifiedFailed: number[];
  highestmodseq: number;
  events: ChangeEvent[];
}

export interface ExpungeResult {
  uids: number[];
  modseq: number;
  events: ChangeEvent[];
}

export interface CopyResult {
  srcUids: number[];
  dstUids: number[];
  uidvalidity: number;
  /** The destination's new highestmodseq. */
  modseq: number;
  events: ChangeEvent[];
}

export interface MoveResult extends CopyResult {
  /** The source folder's modseq of the expunge. */
  expungeModseq: number;
}

export interface FolderCounts {
  messages: number;
  unseen: number;
  recent: number;
  uidnext: number;
  uidvalidity: number;
  highestmodseq: number;
}

export interface FolderState {
  id: number;
  mailbox_id: number;
  uidvalidity: number;
  uidnext: number;
  highestmodseq: number;
  recent_uid: number;
  special_use: string | null;
  noselect?: number;
}

export interface IdRow {
  id: number;
  uid: number;
  blob_id: number;
}

export interface FlagRow {
  id: number;
  uid: number;
  flags: number;
  keywords: string;
  modseq: number;
}

export const COLS =
  'uid, blob_id AS blobId, size, internal_date AS internalDate, internal_zone AS internalZone, stored_at AS storedAt, flags, keywords, modseq, saved_at AS savedAt';
export const RAW_COLS = 'uid, blob_id, size, internal_date, stored_at, flags, keywords, modseq, internal_zone, saved_at';
/** A row of RAW_COLS as SQLite's json_array() gives it. */
export type RawRow = [number, number, number, number, number, number, string, number, number, number | null];

/**
 * Rows aggregated to one JSON string in SQL: ~2-3x cheaper than a driver object per
 * row at 100k rows (bench/store.ts).
 */
export function fromJsonRows(json: string): MessageRow[] {
  const rows = JSON.parse(json) as RawRow[];
  const out: MessageRow[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out[i] = {
      uid: r[0],
      blobId: r[1],
      size: r[2],
      internalDate: r[3],
      storedAt: r[4],
      flags: r[5],
      keywords: r[6],
      modseq: r[7],
      internalZone: r[8],
      savedAt: r[9],
    };
  }
  return ensureSorted(out, (m) => m.uid);
}

export interface Stmts {
  folder: Statement<[number], FolderState>;
  recentState: Statement<[number], { top: number; recent: number }>;
  setUidnext: Statement<[number, number, number]>;
  setModseq: Statement<[number, number]>;
  setRecent: Statement<[number, number]>;
  insert: Statement<[number, number, number, number, number, string, number, number, number, number, number]>;
  viewJson: Statement<[number, number, number], string>;
  viewColumns: Statement<[number], { u: string; m: string; f: string; k: string }>;
  uids: Statement<[number], number>;
  uidsAbove: Statement<[number, number], number>;
  blobRefs: Statement<[number], { blobId: number; n: number }>;
  deleteFolderRows: Statement<[number]>;
  getByUids: Statement<[number, string], string>;
  getRange: Statement<[number, number, number], string>;
  getOne: Statement<[number, number], MessageRow>;
  flagRows: Statement<[number, string], FlagRow>;
  setFlags: Statement<[number, string, number, number]>;
  modifiedAbove: Statement<[number, string, number], number>;
  maskAdd: Statement<[MaskParams], [number, number, string]>;
  maskRemove: Statement<[MaskParams], [number, number, string]>;
  maskSet: Statement<[MaskParams], [number, number, string]>;
  idRows: Statement<[number, string], IdRow>;
  copyRows: Statement<[number, string], MessageRow & { id: number }>;
  deleteById: Statement<[number]>;
  insertExpunged: Statement<[number, number, number]>;
  changedSince: Statement<[number, number], ViewEntry>;
  vanishedSince: Statement<[number, number], number>;
  count: Statement<[number], number>;
  unseen: Statement<[number], number>;
  recentCount: Statement<[number, number], number>;
  firstUnseen: Statement<[number], number | null>;
  deleted: Statement<[number], number>;
  storedBefore: Statement<[number, number], { folderId: number; uid: number }>;
}

/** A prepared statement returning the first column's value. */
export function pluck<P extends unknown[], R>(db: Db, sql: string): Statement<P, R> {
  return db.prepare<P, R>(sql).pluck();
}

export interface MaskParams {
  f: number;
  u: string;
  m: number;
  ms: number;
  lim: number;
}

/** STORE of system flags only: change the rows that differ and are not newer than :lim. */
export function maskUpdate(db: Db, set: string, differs: string): Statement<[MaskParams], [number, number, string]> {
  return db
    .prepare<[MaskParams], [number, number, string]>(
      `UPDATE messages SET ${set}, modseq = :ms
        WHERE folder_id = :f AND uid IN (SELECT value FROM json_each(:u)) AND ${differs} AND modseq <= :lim
        RETURNING uid, flags, keywords`,
    )
    .raw();
}

export const stmts = perConnection((db): Stmts => {
  const IN_UIDS = 'uid IN (SELECT value FROM json_each(?))';
  return {
    folder: db.prepare('SELECT * FROM folders WHERE id = ?'),
    recentState: db.prepare('SELECT uidnext - 1 AS top, recent_uid AS recent FROM folders WHERE id = ?'),
    setUidnext: db.prepare('UPDATE folders SET uidnext = ?, highestmodseq = ? WHERE id = ?'),
    setModseq: db.prepare('UPDATE folders SET highestmodseq = ? WHERE id = ?'),
    setRecent: db.prepare('UPDATE folders SET recent_uid = ? WHERE id = ?'),
    insert: db.prepare(
      `INSERT INTO messages (folder_id, uid, blob_id, size, flags, keywords, internal_date, stored_at, modseq, internal_zone, saved_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // Aggregated to JSON inside SQLite: building 100k row objects through the driver
    // costs several times more than one string and JSON.parse (see bench/store.ts).
    viewJson: pluck(
      db,
      `SELECT json_group_array(json_array(uid, modseq, flags, keywords)) FROM
         (SELECT uid, modseq, flags, keywords FROM messages WHERE folder_id = ? AND uid BETWEEN ? AND ? ORDER BY uid)`,
    ),
    viewColumns: db.prepare(
      `SELECT json_group_array(uid) AS u, json_group_array(modseq) AS m, json_group_array(flags) AS f,
              json_group_array(keywords) AS k FROM
         (SELECT uid, modseq, flags, keywords FROM messages WHERE folder_id = ? ORDER BY uid)`,
    ),
    uids: pluck(db, 'SELECT uid FROM messages WHERE folder_id = ? ORDER BY uid'),
    uidsAbove: pluck(db, 'SELECT uid FROM messages WHERE folder_id = ? AND uid > ? ORDER BY uid'),
    blobRefs: db.prepare('SELECT blob_id AS blobId, count(*) AS n FROM messages WHERE folder_id = ? GROUP BY blob_id'),
    deleteFolderRows: db.prepare('DELETE FROM messages WHERE folder_id = ?'),
    getByUids: pluck(db, `SELECT json_group_array(json_array(${RAW_COLS})) FROM
       (SELECT ${RAW_COLS} FROM messages WHERE folder_id = ? AND ${IN_UIDS} ORDER BY uid)`),
    getRange: pluck(db, `SELECT json_group_array(json_array(${RAW_COLS})) FROM
       (SELECT ${RAW_COLS} FROM messages WHERE folder_id = ? AND uid BETWEEN ? AND ? ORDER BY uid)`),
    getOne: db.prepare(`SELECT ${COLS} FROM messages WHERE folder_id = ? AND uid = ?`),
    flagRows: db.prepare(
      `SELECT id, uid, flags, keywords, modseq FROM messages WHERE folder_id = ? AND ${IN_UIDS} ORDER BY uid`,
    ),
    setFlags: db.prepare('UPDATE messages SET flags = ?, keywords = ?, modseq = ? WHERE id = ?'),
    modifiedAbove: pluck(db, `SELECT uid FROM messages WHERE folder_id = ? AND ${IN_UIDS} AND modseq > ? ORDER BY uid`),
    maskAdd: maskUpdate(db, 'flags = flags | :m', '(flags | :m) <> flags'),
    maskRemove: maskUpdate(db, 'flags = flags & ~:m', '(flags & ~:m) <> flags'),
    maskSet: maskUpdate(db, "flags = :m, keywords = ''", "(flags <> :m OR keywords <> '')"),
    idRows: db.prepare(`SELECT id, uid, blob_id FROM messages WHERE folder_id = ? AND ${IN_UIDS} ORDER BY uid`),
    copyRows: db.prepare(`SELECT id, ${COLS} FROM messages WHERE folder_id = ? AND ${IN_UIDS} ORDER BY uid`),
    deleteById: db.prepare('DELETE FROM messages WHERE id = ?'),
    insertExpunged: db.prepare('INSERT OR REPLACE INTO expunged (folder_id, uid, modseq) VALUES (?, ?, ?)'),
    changedSince: db.prepare(
      'SELECT uid, modseq, flags, keywords FROM messages WHERE folder_id = ? AND modseq > ? ORDER BY uid',
    ),
    vanishedSince: pluck(db, 'SELECT uid FROM expunged WHERE folder_id = ? AND modseq > ? ORDER BY uid'),
    count: pluck(db, 'SELECT count(*) FROM messages WHERE folder_id = ?'),
    unseen: pluck(db, `SELECT count(*) FROM messages WHERE folder_id = ? AND (flags & ${FLAG_SEEN}) = 0`),
    recentCount: pluck(db, 'SELECT count(*) FROM messages WHERE folder_id = ? AND uid > ?'),
    firstUnseen: pluck(db, `SELECT min(uid) FROM messages WHERE folder_id = ? AND (flags & ${FLAG_SEEN}) = 0`),
    deleted: pluck(db, `SELECT uid FROM messages WHERE folder_id = ? AND (flags & ${FLAG_DELETED}) <> 0 ORDER BY uid`),
    storedBefore: db.prepare(
      'SELECT folder_id AS folderId, uid FROM messages WHERE stored_at < ? ORDER BY stored_at LIMIT ?',
    ),
  };
});

export function folderState(db: Db, folderId: number): FolderState {
  const f = stmts(db).folder.get(folderId);
  if (!f) throw notFound('folder', folderId);
  return f;
}

export function selectable(f: FolderState): FolderState {
  if (isNoselect(f)) {
    throw new GpError('FOLDER_NOSELECT', `folder ${f.id} cannot hold messages (\\Noselect)`, { kind: 'refusal' });
  }
  return f;
}

/** uids as the JSON array json_each() reads. */
export function uidJson(uids: readonly number[]): string {
  return JSON.stringify(uids);
}

/** The aggregate keeps the subquery's order in practice; check it (O(n)) and sort if not. */
export function ensureSorted<T>(a: T[], key: (x: T) => number): T[] {
  for (let i = 1; i < a.length; i++) {
    if (key(a[i - 1]!) >= key(a[i]!)) return a.sort((x, y) => key(x) - key(y));
  }
  return a;
}
