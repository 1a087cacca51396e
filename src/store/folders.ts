/**
 * Folders of a mailbox (IMAP mailboxes, RFC 3501 §5.1): names are full '/'-delimited
 * paths in UTF-8 (the IMAP layer converts modified UTF-7, RFC 3501 §5.1.3); INBOX is
 * case-insensitive (§5.1). uidvalidity/uidnext/highestmodseq live here.
 *
 * CREATE (§6.3.3) makes missing superior levels. DELETE (§6.3.4) of a folder with
 * inferior names removes its messages and keeps the name as \Noselect (marked by
 * special_use = '\Noselect' until the schema has a column for it); deleting a
 * \Noselect name that still has inferiors is an error. RENAME (§6.3.5) moves the
 * inferior names along; renaming INBOX moves its messages to the new folder and
 * leaves INBOX empty.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { perConnection } from './connection.js';
import type { ChangeEvent } from '../events/bus.js';
import { GpError, invalid, notFound } from '../shared/errors.js';
import { dropFolderMessages, listUids, moveMessages, type MoveResult } from './messages.js';
import { isNoselect, NOSELECT } from './noselect.js';

export { isNoselect, NOSELECT };

export interface FolderRow {
  id: number;
  mailbox_id: number;
  name: string;
  special_use: string | null;
  uidvalidity: number;
  uidnext: number;
  highestmodseq: number;
  recent_uid: number;
  subscribed: number;
  created_at: number;
}

/** A listed folder with what LIST needs (RFC 3348 \HasChildren, RFC 3501 \Noselect). */
export interface ListedFolder extends FolderRow {
  hasChildren: boolean;
  noselect: boolean;
}

export const DELIMITER = '/';
/** special_use value marking a name kept only because it has inferiors (no messages). */
/** Longest folder name (UTF-8 bytes of the full path) and deepest hierarchy. */
export const MAX_FOLDER_NAME_BYTES = 1024;
export const MAX_FOLDER_DEPTH = 32;

/** RFC 6154 special-use folders every new mailbox gets, with INBOX. */
export const DEFAULT_FOLDERS: Array<{ name: string; specialUse: string | null }> = [
  { name: 'INBOX', specialUse: null },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Trash', specialUse: '\\Trash' },
  { name: 'Junk', specialUse: '\\Junk' },
  { name: 'Archive', specialUse: '\\Archive' },
];

let lastUidValidity = 0;
/** A UIDVALIDITY that is new for this process and increases (seconds, bumped on collision). */
export function newUidValidity(): number {
  const now = Math.floor(Date.now() / 1000) % 0xffffffff;
  lastUidValidity = now > lastUidValidity ? now : lastUidValidity + 1;
  return lastUidValidity;
}

interface Stmts {
  insert: Statement<[number, string, string | null, number, number]>;
  byId: Statement<[number], FolderRow>;
  byName: Statement<[number, string], FolderRow>;
  list: Statement<[number], FolderRow>;
  subtree: Statement<[number, string, number, string], FolderRow>;
  hasChild: Statement<[number, number, string], number>;
  rename: Statement<[string, number]>;
  markNoselect: Statement<[number]>;
  revive: Statement<[string | null, number, number]>;
  setSubscribed: Statement<[number, number]>;
  subAdd: Statement<[number, string]>;
  subDel: Statement<[number, string]>;
  subHas: Statement<[number, string], number>;
  subList: Statement<[number], string>;
  subRename: Statement<[string, number, number, string, number, string]>;
  delExpunged: Statement<[number]>;
  delFolder: Statement<[number]>;
  maxUidValidity: Statement<[number], number | null>;
}

/** A prepared statement returning the first column's value. */
function pluck<P extends unknown[], R>(db: Db, sql: string): Statement<P, R> {
  return db.prepare<P, R>(sql).pluck();
}

const stmts = perConnection((db): Stmts => ({
    insert: db.prepare(
      'INSERT INTO folders (mailbox_id, name, special_use, uidvalidity, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    byId: db.prepare('SELECT * FROM folders WHERE id = ?'),
    byName: db.prepare('SELECT * FROM folders WHERE mailbox_id = ? AND name = ?'),
    list: db.prepare("SELECT * FROM folders WHERE mailbox_id = ? ORDER BY name <> 'INBOX', name"),
    // The folder and its inferiors (names starting with "name/").
    subtree: db.prepare(
      'SELECT * FROM folders WHERE mailbox_id = ? AND (name = ? OR substr(name, 1, ?) = ?) ORDER BY name',
    ),
    hasChild: pluck(db, 'SELECT count(*) FROM folders WHERE mailbox_id = ? AND substr(name, 1, ?) = ? LIMIT 1'),
    rename: db.prepare('UPDATE folders SET name = ? WHERE id = ?'),
    markNoselect: hasNoselectColumn(db)
      ? db.prepare('UPDATE folders SET noselect = 1 WHERE id = ?')
      : db.prepare(`UPDATE folders SET special_use = '\\Noselect' WHERE id = ?`),
    revive: hasNoselectColumn(db)
      ? db.prepare(
          'UPDATE folders SET noselect = 0, special_use = coalesce(?, special_use), uidvalidity = ?, recent_uid = uidnext - 1 WHERE id = ?',
        )
      : db.prepare('UPDATE folders SET special_use = ?, uidvalidity = ?, recent_uid = uidnext - 1 WHERE id = ?'),
    setSubscribed: db.prepare('UPDATE folders SET subscribed = ? WHERE id = ?'),
    subAdd: db.prepare('INSERT OR IGNORE INTO subscriptions (mailbox_id, name) VALUES (?, ?)'),
    subDel: db.prepare('DELETE FROM subscriptions WHERE mailbox_id = ? AND name = ?'),
    subHas: pluck(db, 'SELECT count(*) FROM subscriptions WHERE mailbox_id = ? AND name = ?'),
    subList: db.prepare<[number], string>('SELECT name FROM subscriptions WHERE mailbox_id = ? ORDER BY name').pluck(),
    // the subtree's subscriptions follow a RENAME: (new prefix, old length + 1, mailbox, old, old length + 1, old + '/')
    subRename: db.prepare(
      'UPDATE OR REPLACE subscriptions SET name = ? || substr(name, ?) WHERE mailbox_id = ? AND (name = ? OR substr(name, 1, ?) = ?)',
    ),
    delExpunged: db.prepare('DELETE FROM expunged WHERE folder_id = ?'),
    delFolder: db.prepare('DELETE FROM folders WHERE id = ?'),
    maxUidValidity: pluck(db, 'SELECT max(uidvalidity) FROM folders WHERE mailbox_id = ?'),
}));

/**
 * The canonical form of a folder name, or a GpError INVALID_FOLDER_NAME: no empty
 * levels, no leading/trailing delimiter, no control characters, no LIST wildcards
 * (* %), no "." or ".." level; a first level spelled INBOX in any case becomes "INBOX".
 */
export function normalizeFolderName(name: string): string {
  if (!name) throw invalid('folder name', 'must not be empty');
  if (Buffer.byteLength(name, 'utf8') > MAX_FOLDER_NAME_BYTES) {
    throw invalid('folder name', `must be at most ${MAX_FOLDER_NAME_BYTES} bytes`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f*%]/.test(name)) throw invalid('folder name', 'must not contain control characters, * or %');
  const levels = name.split(DELIMITER);
  if (levels.some((l) => l === '')) throw invalid('folder name', `must not have empty levels or start or end with "${DELIMITER}"`);
  // "." and ".." as a level read as a path to clients and tools that map folders to directories (mbsync, maildir).
  if (levels.some((l) => l === '.' || l === '..')) throw invalid('folder name', 'must not have "." or ".." as a level');
  if (levels.length > MAX_FOLDER_DEPTH) throw invalid('folder name', `must have at most ${MAX_FOLDER_DEPTH} levels`);
  if (levels[0]!.toUpperCase() === 'INBOX') levels[0] = 'INBOX';
  return levels.join(DELIMITER);
}

/** Whether this database has the `folders.noselect` column. */
export const hasNoselectColumn = perConnection((db): boolean => {
  const cols = db.prepare("SELECT name FROM pragma_table_info('folders')").pluck().all() as string[];
  return cols.includes('noselect');
});

/** The special-use attribute to announce (RFC 6154), never the \Noselect marker. */
export function specialUseOf(f: Pick<FolderRow, 'special_use'> & { noselect?: unknown }): string | null {
  return f.special_use === NOSELECT ? null : f.special_use;
}

function alreadyExists(name: string): GpError {
  return new GpError('ALREADYEXISTS', `folder "${name}" already exists`, { kind: 'conflict', details: { name } });
}

/**
 * A uidvalidity above every other of the mailbox, so a name deleted and created
 * again never repeats one (RFC 3501 §2.3.1.1), even when another process (the CLI)
 * created folders in the same second.
 */
function nextUidValidity(db: Db, mailboxId: number): number {
  const top = stmts(db).maxUidValidity.get(mailboxId) ?? 0;
  return Math.max(newUidValidity(), top + 1);
}

function insertFolder(db: Db, mailboxId: number, name: string, specialUse: string | null): FolderRow {
  const s = stmts(db);
  const info = s.insert.run(mailboxId, name, specialUse, nextUidValidity(db, mailboxId), Date.now());
  const id = Number(info.lastInsertRowid);
  // CREATE does not subscribe (RFC 3501 §6.3.3); a name subscribed before keeps its subscription
  s.setSubscribed.run((s.subHas.get(mailboxId, name) ?? 0) > 0 ? 1 : 0, id);
  return s.byId.get(id)!;
}

/** Create the missing superior levels of a (normalized) name. Returns the ones created. */
export function ensureParents(db: Db, mailboxId: number, name: string): FolderRow[] {
  const s = stmts(db);
  const levels = name.split(DELIMITER);
  const created: FolderRow[] = [];
  for (let i = 1; i < levels.length; i++) {
    const parent = levels.slice(0, i).join(DELIMITER);
    if (!s.byName.get(mailboxId, parent)) created.push(insertFolder(db, mailboxId, parent, null));
  }
  return created;
}

/**
 * CREATE (RFC 3501 §6.3.3): a new folder with any missing superior levels. A name
 * kept as \Noselect becomes a real folder again (with a new uidvalidity). An
 * existing folder is refused with ALREADYEXISTS.
 */
export function createFolder(db: Db, mailboxId: number, name: string, specialUse: string | null = null): FolderRow {
  const s = stmts(db);
  return db.transaction((): FolderRow => {
    // §6.3.3: a trailing delimiter declares the intent to create inferiors; the name is without it.
    const n = normalizeFolderName(name.length > 1 && name.endsWith(DELIMITER) ? name.slice(0, -1) : name);
    const existing = s.byName.get(mailboxId, n);
    if (existing) {
      if (!isNoselect(existing)) throw alreadyExists(n);
      s.revive.run(specialUse, nextUidValidity(db, mailboxId), existing.id);
      return s.byId.get(existing.id)!;
    }
    ensureParents(db, mailboxId, n);
    return insertFolder(db, mailboxId, n, specialUse);
  }).immediate();
}

export function createDefaultFolders(db: Db, mailboxId: number): void {
  db.transaction(() => {
    for (const f of DEFAULT_FOLDERS) {
      createFolder(db, mailboxId, f.name, f.specialUse);
      setSubscribed(db, mailboxId, f.name, true);
    }
  }).immediate();
}

export function getFolderById(db: Db, id: number): FolderRow | undefined {
  return stmts(db).byId.get(id);
}

/** A folder by name (INBOX in any case); undefined for names that cannot exist. */
export function getFolder(db: Db, mailboxId: number, name: string): FolderRow | undefined {
  let n: string;
  try {
    n = normalizeFolderName(name);
  } catch {
    return undefined;
  }
  return stmts(db).byName.get(mailboxId, n);
}

/** The folder with a special-use attribute (RFC 6154, e.g. '\\Sent'), if the mailbox has one. */
export function getFolderBySpecialUse(db: Db, mailboxId: number, specialUse: string): FolderRow | undefined {
  const want = specialUse.toLowerCase();
  return listFolders(db, mailboxId).find((f) => !isNoselect(f) && f.special_use?.toLowerCase() === want);
}

/** Folders of a mailbox, INBOX first, then by name. */
export function listFolders(db: Db, mailboxId: number): FolderRow[] {
  return stmts(db).list.all(mailboxId);
}

/** Folders with \HasChildren and \Noselect worked out (for LIST). */
export function listFolderTree(db: Db, mailboxId: number): ListedFolder[] {
  const rows = listFolders(db, mailboxId);
  const parents = new Set<string>();
  for (const r of rows) {
    const i = r.name.lastIndexOf(DELIMITER);
    if (i > 0) parents.add(r.name.slice(0, i));
  }
  return rows.map((r) => ({ ...r, hasChildren: parents.has(r.name), noselect: isNoselect(r) }));
}

function hasChildren(db: Db, mailboxId: number, name: string): boolean {
  const prefix = name + DELIMITER;
  return (stmts(db).hasChild.get(mailboxId, prefix.length, prefix) ?? 0) > 0;
}

export interface DeleteFolderResult {
  folderId: number;
  /** Uids of the messages removed with it. */
  expunged: number[];
  /** The name stays as \Noselect because it has inferior names. */
  keptAsNoselect: boolean;
  events: ChangeEvent[];
}

/**
 * DELETE (RFC 3501 §6.3.4). INBOX cannot be deleted. The messages are expunged
 * (blob references released); a folder with inferior names keeps its name as
 * \Noselect, one without is removed.
 */
export function deleteFolder(db: Db, mailboxId: number, name: string): DeleteFolderResult {
  const s = stmts(db);
  return db.transaction((): DeleteFolderResult => {
    const n = normalizeFolderName(name);
    if (n === 'INBOX') throw new GpError('CANNOT_DELETE_INBOX', 'INBOX cannot be deleted', { kind: 'refusal' });
    const f = s.byName.get(mailboxId, n);
    if (!f) throw notFound('folder', n);
    const children = hasChildren(db, mailboxId, n);
    if (children && isNoselect(f)) {
      throw new GpError('HAS_CHILDREN', `folder "${n}" has inferior folders and holds no messages; delete them first`, {
        kind: 'refusal',
      });
    }
    const uids = dropFolderMessages(db, f.id);
    s.delExpunged.run(f.id);
    if (children) s.markNoselect.run(f.id);
    else s.delFolder.run(f.id);
    // A session with the folder selected learns of the deletion from the folder event
    // (its messages are gone with the folder); the expunge event lets it drop them first.
    const events: ChangeEvent[] = [];
    if (uids.length) events.push({ type: 'expunge', folderId: f.id, uids, modseq: f.highestmodseq + 1 });
    events.push({ type: 'folder', mailboxId, folderId: f.id, change: 'deleted' });
    return { folderId: f.id, expunged: uids, keptAsNoselect: children, events };
  }).immediate();
}

export interface RenameFolderResult {
  /** Folders whose name changed (the folder and its inferiors). */
  renamed: Array<{ id: number; from: string; to: string }>;
  /** Renaming INBOX: the new folder and the move of INBOX's messages into it. */
  inbox?: { folder: FolderRow; move: MoveResult };
  events: ChangeEvent[];
}

/**
 * RENAME (RFC 3501 §6.3.5): the folder and its inferiors take the new name (missing
 * superior levels of the new name are created). The target must not exist.
 * Renaming INBOX creates the new folder, moves every INBOX message into it and
 * leaves INBOX (and its inferiors) in place.
 */
export function renameFolder(db: Db, mailboxId: number, from: string, to: string): RenameFolderResult {
  const s = stmts(db);
  return db.transaction((): RenameFolderResult => {
    const src = normalizeFolderName(from);
    const dst = normalizeFolderName(to);
    const f = s.byName.get(mailboxId, src);
    if (!f) throw notFound('folder', src);
    if (s.byName.get(mailboxId, dst)) throw alreadyExists(dst);
    if (dst.startsWith(src + DELIMITER)) {
      throw new GpError('RENAME_INTO_ITSELF', `folder "${src}" cannot be renamed to a name inside itself`, {
        kind: 'refusal',
      });
    }
    if (src === 'INBOX') {
      ensureParents(db, mailboxId, dst);
      const folder = insertFolder(db, mailboxId, dst, null);
      const move = moveMessages(db, f.id, listUids(db, f.id), folder.id);
      return {
        renamed: [],
        inbox: { folder: s.byId.get(folder.id)!, move },
        events: [{ type: 'folder', mailboxId, folderId: folder.id, change: 'created' }, ...move.events],
      };
    }
    const prefix = src + DELIMITER;
    const subtree = s.subtree.all(mailboxId, src, prefix.length, prefix);
    const renamed = subtree.map((r) => ({ id: r.id, from: r.name, to: dst + r.name.slice(src.length) }));
    for (const r of renamed) if (r.to !== dst && s.byName.get(mailboxId, r.to)) throw alreadyExists(r.to);
    ensureParents(db, mailboxId, dst);
    for (const r of renamed) s.rename.run(r.to, r.id);
    s.subRename.run(dst, src.length + 1, mailboxId, src, prefix.length, prefix);
    return {
      renamed,
      events: renamed.map((r) => ({ type: 'folder', mailboxId, folderId: r.id, change: 'renamed' }) as ChangeEvent),
    };
  }).immediate();
}

/**
 * SUBSCRIBE / UNSUBSCRIBE (RFC 3501 §6.3.6, §6.3.7). A subscription is kept by name
 * and outlives its folder (RFC 5258 \NonExistent). SUBSCRIBE needs an existing
 * folder; UNSUBSCRIBE takes any subscribed name, existing or not. Returns the folder
 * (undefined for a name without one).
 */
export function setSubscribed(db: Db, mailboxId: number, name: string, subscribed: boolean): FolderRow | undefined {
  const s = stmts(db);
  return db.transaction((): FolderRow | undefined => {
    const f = getFolder(db, mailboxId, name);
    let n: string;
    try {
      n = normalizeFolderName(name);
    } catch {
      n = name;
    }
    if (subscribed) {
      if (!f) throw notFound('folder', name);
      s.subAdd.run(mailboxId, f.name);
    } else {
      const had = (s.subHas.get(mailboxId, f?.name ?? n) ?? 0) > 0;
      if (!f && !had) throw notFound('folder', name);
      s.subDel.run(mailboxId, f?.name ?? n);
    }
    if (!f) return undefined;
    s.setSubscribed.run(subscribed ? 1 : 0, f.id);
    return { ...f, subscribed: subscribed ? 1 : 0 };
  }).immediate();
}

/** The subscribed names of a mailbox (folders or not), by name. */
export function listSubscriptions(db: Db, mailboxId: number): string[] {
  return stmts(db).subList.all(mailboxId);
}
