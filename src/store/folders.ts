/**
 * Folders of a mailbox (IMAP mailboxes, RFC 3501 §5.1): names are full '/'-delimited
 * paths in UTF-8; uidvalidity/uidnext/highestmodseq live here.
 */
import type { Db } from './db.js';

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

export function createFolder(db: Db, mailboxId: number, name: string, specialUse: string | null = null): FolderRow {
  const info = db
    .prepare(
      `INSERT INTO folders (mailbox_id, name, special_use, uidvalidity, created_at) VALUES (?, ?, ?, ?, ?)`,
    )
    .run(mailboxId, name, specialUse, newUidValidity(), Date.now());
  return getFolderById(db, Number(info.lastInsertRowid))!;
}

export function createDefaultFolders(db: Db, mailboxId: number): void {
  for (const f of DEFAULT_FOLDERS) createFolder(db, mailboxId, f.name, f.specialUse);
}

export function getFolderById(db: Db, id: number): FolderRow | undefined {
  return db.prepare('SELECT * FROM folders WHERE id = ?').get(id) as FolderRow | undefined;
}

export function getFolder(db: Db, mailboxId: number, name: string): FolderRow | undefined {
  return db.prepare('SELECT * FROM folders WHERE mailbox_id = ? AND name = ?').get(mailboxId, name) as FolderRow | undefined;
}

export function listFolders(db: Db, mailboxId: number): FolderRow[] {
  return db.prepare('SELECT * FROM folders WHERE mailbox_id = ? ORDER BY name').all(mailboxId) as FolderRow[];
}
