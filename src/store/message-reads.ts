/**
 * Messages in folders — reads: a session's view of a folder (RFC 3501 §2.3.1),
 * message rows for FETCH, SELECT/STATUS counters (§6.3.1, §6.3.10), \Recent
 * (§2.3.2), CHANGEDSINCE and VANISHED (RFC 7162 §3.1.4.1, §3.2.5.1), the purge's work list.
 */
import type { Db } from './db.js';
import { tx, withoutOwnSync } from './tx.js';
import { MAX_UID, fromJsonRows, stmts, folderState, uidJson, ensureSorted, type ViewEntry, type MessageRow, type FolderCounts } from './message-rows.js';
import { notFound } from '../shared/errors.js';


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
  // Nothing new since the last claim (the usual case, and every session but the
  // first when a delivery reaches many IDLE sessions): two columns read, no write.
  const f = stmts(db).recentState.get(folderId);
  if (!f) throw notFound('folder', folderId);
  if (f.top <= f.recent) return f.recent;
  // A \Recent claim lost at a power failure only shows a message as \Recent once more.
  return withoutOwnSync(db, () => tx(db, claimRecentTx)(db, folderId));
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
