/**
 * SEARCH EMAILID / THREADID (RFC 8474 §6): the uids of the selected folder whose
 * message has that id (ids as ../object-ids.ts gives them).
 */
import type { Db } from '../../store/db.js';
import { folderBlobs, threadFields, uidsOfBlob } from '../../store/thread-fields.js';
import { blobOfEmailId, threadIdOf } from '../object-ids.js';

export function objectIdMatches(db: Db, folderId: number, kind: 'emailid' | 'threadid', id: string): number[] {
  if (kind === 'emailid') {
    const blob = blobOfEmailId(id);
    return blob === undefined ? [] : uidsOfBlob(db, folderId, blob);
  }
  const msgs = folderBlobs(db, folderId);
  const ids = new Map(threadFields(db, [...new Set(msgs.map((m) => m.blobId))]).map((f) => [f.blobId, threadIdOf(f)]));
  return msgs.filter((m) => ids.get(m.blobId) === id).map((m) => m.uid);
}
