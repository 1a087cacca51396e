/** What a folder of a mailbox holds, read from the test's own store: the raw messages with their flags. */
import type { Db } from '../../src/store/db.js';
import { readBlob } from '../../src/store/blobs.js';
import { toImapFlags } from '../../src/store/flags.js';

export interface StoredCopy {
  raw: string;
  flags: string[];
}

export function folderContent(db: Db, address: string, folder: string): StoredCopy[] {
  const rows = db
    .prepare(`SELECT m.blob_id, m.flags, m.keywords FROM messages m JOIN folders f ON f.id = m.folder_id JOIN mailboxes b ON b.id = f.mailbox_id WHERE b.address = ? AND f.name = ? ORDER BY m.uid`)
    .all(address, folder) as Array<{ blob_id: number; flags: number; keywords: string }>;
  return rows.map((r) => ({ raw: readBlob(db, r.blob_id).toString('utf8'), flags: toImapFlags(r.flags, r.keywords) }));
}

/** The subject and body (as indexed for SEARCH) of each message in the INBOX of `address`. */
export function inboxTexts(db: Db, address: string): Array<{ subject: string; body: string }> {
  return db
    .prepare(`SELECT s.subject, s.body FROM messages m JOIN folders f ON f.id = m.folder_id JOIN mailboxes b ON b.id = f.mailbox_id JOIN blob_search s ON s.blob_id = m.blob_id WHERE b.address = ? AND f.name = 'INBOX'`)
    .all(address) as Array<{ subject: string; body: string }>;
}

export async function until<T>(what: string, f: () => T | undefined | false, ms = 45_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
