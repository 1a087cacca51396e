/**
 * Messages in folders: UIDs (RFC 3501 §2.3.1.1), flags (§2.3.2, §6.4.6 STORE),
 * expunge (§6.4.3), copy (§6.4.7), move (RFC 6851), and the mod-sequences of
 * CONDSTORE/QRESYNC (RFC 7162 §3.1, §3.2.5 VANISHED).
 *
 * Rules kept here:
 * - UIDs come from folders.uidnext and are never reused within a uidvalidity.
 * - Every change bumps folders.highestmodseq once per operation; each message
 *   changed by it gets that modseq. A message whose flags do not change keeps its
 *   modseq. Expunged uids are kept in `expunged` with the modseq of their removal.
 * - Expunge only drops blob references; the blob is freed later (blobs.collectGarbage).
 * - `stored_at` is when this server stored the message (the retention clock);
 *   `internal_date` may come from APPEND.
 *
 * Every mutating function runs in a transaction (a savepoint inside the caller's)
 * and returns what changed with `events`; publish them (changes.publish) after the
 * outermost commit.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { tx } from './tx.js';
import type { ChangeEvent } from '../events/bus.js';
import { GpError, notFound } from '../shared/errors.js';
import { addBlobRefs, releaseBlobRefs } from './blobs.js';
import { ALL_SYSTEM_FLAGS, applyFlags, FLAG_DELETED, FLAG_SEEN, joinKeywords, type StoreMode } from './flags.js';
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

interface FolderState {
  id: number;
  mailbox_id: number;
  uidvalidity: number;
  uidnext: number;
  highestmodseq: number;
  recent_uid: number;
  special_use: string | null;
  noselect?: number;
}

interface IdRow {
  id: number;
  uid: number;
  blob_id: number;
}

interface FlagRow {
  id: number;
  uid: number;
  flags: number;
  keywords: string;
  modseq: number;
}

const COLS =
  'uid, blob_id AS blobId, size, internal_date AS internalDate, internal_zone AS internalZone, stored_at AS storedAt, flags, keywords, modseq, saved_at AS savedAt';
const RAW_COLS = 'uid, blob_id, size, internal_date, stored_at, flags, keywords, modseq, internal_zone, saved_at';
/** A row of RAW_COLS as SQLite's json_array() gives it. */
type RawRow = [number, number, number, number, number, number, string, number, number, number | null];

/**
 * Rows aggregated to one JSON string in SQL: ~2-3x cheaper than a driver object per
 * row at 100k rows (bench/store.ts).
 */
function fromJsonRows(json: string): MessageRow[] {
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

interface Stmts {
  folder: Statement<[number], FolderState>;
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
function pluck<P extends unknown[], R>(db: Db, sql: string): Statement<P, R> {
  return db.prepare<P, R>(sql).pluck();
}

interface MaskParams {
  f: number;
  u: string;
  m: number;
  ms: number;
  lim: number;
}

/** STORE of system flags only: change the rows that differ and are not newer than :lim. */
function maskUpdate(db: Db, set: string, differs: string): Statement<[MaskParams], [number, number, string]> {
  return db
    .prepare<[MaskParams], [number, number, string]>(
      `UPDATE messages SET ${set}, modseq = :ms
        WHERE folder_id = :f AND uid IN (SELECT value FROM json_each(:u)) AND ${differs} AND modseq <= :lim
        RETURNING uid, flags, keywords`,
    )
    .raw();
}

const cache = new WeakMap<Db, Stmts>();

function stmts(db: Db): Stmts {
  let s = cache.get(db);
  if (s) return s;
  const IN_UIDS = 'uid IN (SELECT value FROM json_each(?))';
  s = {
    folder: db.prepare('SELECT * FROM folders WHERE id = ?'),
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
  cache.set(db, s);
  return s;
}

function folderState(db: Db, folderId: number): FolderState {
  const f = stmts(db).folder.get(folderId);
  if (!f) throw notFound('folder', folderId);
  return f;
}

function selectable(f: FolderState): FolderState {
  if (isNoselect(f)) {
    throw new GpError('FOLDER_NOSELECT', `folder ${f.id} cannot hold messages (\\Noselect)`, { kind: 'refusal' });
  }
  return f;
}

/** uids as the JSON array json_each() reads. */
function uidJson(uids: readonly number[]): string {
  return JSON.stringify(uids);
}

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

/** Every message of a folder as a session's view needs it, in uid order. */
export function listView(db: Db, folderId: number): ViewEntry[] {
  return listViewRange(db, folderId, 1, MAX_UID);
}

/** View entries with fromUid <= uid <= toUid, in uid order (e.g. UID FETCH 1:* FLAGS). */
export function listViewRange(db: Db, folderId: number, fromUid: number, toUid: number): ViewEntry[] {
  const rows = JSON.parse(stmts(db).viewJson.get(folderId, fromUid, toUid)!) as Array<[number, number, number, string]>;
  const out: ViewEntry[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out[i] = { uid: r[0], modseq: r[1], flags: r[2], keywords: r[3] };
  }
  return ensureSorted(out, (e) => e.uid);
}

/** The view of a folder as parallel arrays (index i = sequence number i+1): the cheapest form at 100k messages. */
export interface ViewColumns {
  uids: number[];
  modseqs: number[];
  flags: number[];
  keywords: string[];
}

export function listViewColumns(db: Db, folderId: number): ViewColumns {
  const r = stmts(db).viewColumns.get(folderId)!;
  const cols: ViewColumns = {
    uids: JSON.parse(r.u) as number[],
    modseqs: JSON.parse(r.m) as number[],
    flags: JSON.parse(r.f) as number[],
    keywords: JSON.parse(r.k) as string[],
  };
  const u = cols.uids;
  for (let i = 1; i < u.length; i++) {
    if (u[i - 1]! >= u[i]!) {
      // SQLite kept the subquery's order in every version we know; never trust it blindly.
      const order = u.map((_, j) => j).sort((a, b) => u[a]! - u[b]!);
      return {
        uids: order.map((j) => u[j]!),
        modseqs: order.map((j) => cols.modseqs[j]!),
        flags: order.map((j) => cols.flags[j]!),
        keywords: order.map((j) => cols.keywords[j]!),
      };
    }
  }
  return cols;
}

/** The aggregate keeps the subquery's order in practice; check it (O(n)) and sort if not. */
function ensureSorted<T>(a: T[], key: (x: T) => number): T[] {
  for (let i = 1; i < a.length; i++) {
    if (key(a[i - 1]!) >= key(a[i]!)) return a.sort((x, y) => key(x) - key(y));
  }
  return a;
}

/** Only the uids of a folder, ascending (the seq ↔ uid map). */
/**
 * The keywords used by the messages of a folder (RFC 3501 §7.2.6 FLAGS: the flags
 * "defined" in the mailbox), each once (first spelling seen), in no particular order.
 */
export function folderKeywords(db: Db, folderId: number): string[] {
  const rows = db
    .prepare<[number], string>("SELECT DISTINCT keywords FROM messages WHERE folder_id = ? AND keywords <> ''")
    .pluck()
    .all(folderId);
  const seen = new Map<string, string>();
  for (const r of rows) for (const k of r.split(' ')) if (k && !seen.has(k.toLowerCase())) seen.set(k.toLowerCase(), k);
  return [...seen.values()];
}

export function listUids(db: Db, folderId: number): number[] {
  return stmts(db).uids.all(folderId);
}

/** Uids above `afterUid`, ascending: what arrived since a session last looked (cheap at any folder size). */
export function listUidsAbove(db: Db, folderId: number, afterUid: number): number[] {
  return stmts(db).uidsAbove.all(folderId, afterUid);
}

/** Messages by uid (missing uids are skipped), in uid order. */
export function getMessages(db: Db, folderId: number, uids: readonly number[]): MessageRow[] {
  if (uids.length === 0) return [];
  if (uids.length === 1) {
    const r = stmts(db).getOne.get(folderId, uids[0]!);
    return r ? [r] : [];
  }
  return fromJsonRows(stmts(db).getByUids.get(folderId, uidJson(uids))!);
}

/** Messages with fromUid <= uid <= toUid, in uid order (e.g. FETCH 1:*). */
export function getMessageRange(db: Db, folderId: number, fromUid: number, toUid: number): MessageRow[] {
  return fromJsonRows(stmts(db).getRange.get(folderId, fromUid, toUid)!);
}

export function getMessage(db: Db, folderId: number, uid: number): MessageRow | undefined {
  return stmts(db).getOne.get(folderId, uid);
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

/** CHANGEDSINCE (RFC 7162 §3.1.4.1): messages with modseq > `modseq`, uid order. */
export function changedSince(db: Db, folderId: number, modseq: number): ViewEntry[] {
  return stmts(db).changedSince.all(folderId, modseq);
}

/** QRESYNC VANISHED (RFC 7162 §3.2.5.1): uids expunged with modseq > `modseq`. */
export function vanishedSince(db: Db, folderId: number, modseq: number): number[] {
  return stmts(db).vanishedSince.all(folderId, modseq);
}

/** SELECT / STATUS counters (RFC 3501 §6.3.1, §6.3.10). `recent` counts uids above recent_uid. */
export function folderCounts(db: Db, folderId: number): FolderCounts {
  return tx(db, folderCountsTx, 'deferred')(db, folderId);
}

function folderCountsTx(db: Db, folderId: number): FolderCounts {
  const s = stmts(db);
  const f = folderState(db, folderId);
  return {
    messages: s.count.get(folderId) ?? 0,
    unseen: s.unseen.get(folderId) ?? 0,
    recent: s.recentCount.get(folderId, f.recent_uid) ?? 0,
    uidnext: f.uidnext,
    uidvalidity: f.uidvalidity,
    highestmodseq: f.highestmodseq,
  };
}

/**
 * RFC 3501 §2.3.2: only one session sees a message as \Recent. Returns the
 * recent_uid before the claim (uids above it are \Recent for the caller) and moves
 * it to uidnext-1.
 */
export function claimRecent(db: Db, folderId: number): number {
  return tx(db, claimRecentTx)(db, folderId);
}

function claimRecentTx(db: Db, folderId: number): number {
  const s = stmts(db);
  const f = folderState(db, folderId);
  const top = f.uidnext - 1;
  if (top > f.recent_uid) s.setRecent.run(top, folderId);
  return f.recent_uid;
}

/** The lowest uid without \Seen (SELECT's [UNSEEN n] needs its sequence number), or null. */
export function firstUnseen(db: Db, folderId: number): number | null {
  return stmts(db).firstUnseen.get(folderId) ?? null;
}

/** Messages stored before `cutoff` (ms), oldest first: the retention purge's work list. */
export function messagesStoredBefore(db: Db, cutoff: number, limit: number): Array<{ folderId: number; uid: number }> {
  return stmts(db).storedBefore.all(cutoff, limit);
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

