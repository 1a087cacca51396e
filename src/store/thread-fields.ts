/**
 * What OBJECTID (RFC 8474) needs from the store: the messages of a folder that
 * share a blob (EMAILID is per blob: a COPY or MOVE keeps it), and the decoded
 * header text of blobs, from which a thread id is derived.
 */
import type { Db } from './db.js';
import { cached } from './db.js';

/** Uids (ascending) of the messages of a folder stored as blob `blobId`. */
export function uidsOfBlob(db: Db, folderId: number, blobId: number): number[] {
  const rows = cached(db, 'SELECT uid FROM messages WHERE folder_id = ? AND blob_id = ? ORDER BY uid').all(folderId, blobId) as Array<{ uid: number }>;
  return rows.map((r) => r.uid);
}

export interface ThreadFields {
  blobId: number;
  /** Lower-cased Message-ID field value ('' when absent). */
  messageId: string;
  /** The decoded, lower-cased header block ("name: value" lines). */
  headers: string;
}

/** Thread fields of the given blobs (missing blobs are left out). */
export function threadFields(db: Db, blobIds: readonly number[]): ThreadFields[] {
  const st = cached(db, 'SELECT blob_id AS blobId, message_id AS messageId, headers FROM blob_search WHERE blob_id = ?');
  const out: ThreadFields[] = [];
  for (const id of blobIds) {
    const r = st.get(id) as ThreadFields | undefined;
    if (r) out.push(r);
  }
  return out;
}

/** Uid and blob of every message of a folder, ascending by uid. */
export function folderBlobs(db: Db, folderId: number): Array<{ uid: number; blobId: number }> {
  return cached(db, 'SELECT uid, blob_id AS blobId FROM messages WHERE folder_id = ? ORDER BY uid').all(folderId) as Array<{ uid: number; blobId: number }>;
}
