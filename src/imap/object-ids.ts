/**
 * OBJECTID (RFC 8474): the stable ids of folders and messages.
 *
 * - MAILBOXID (§4): the folder row's id with its UIDVALIDITY — a RENAME keeps both,
 *   a folder deleted and created again gets a new UIDVALIDITY (store/folders.ts), so
 *   an id is never given to another folder.
 * - EMAILID (§5.1): the blob's id. Copies and moves share the blob, so they keep
 *   the id; blob ids are never reused (store/blobs.ts).
 * - THREADID (§5.2): derived from the first Message-ID of References (else
 *   In-Reply-To, else the message's own Message-ID), so a reply and its original
 *   share it; a message without any gets a thread of its own. `threadIdOf` is the
 *   one place that decides and can be replaced by a full threading index.
 * Ids are 1*255 of ALPHA / DIGIT / "_" / "-" (§3 objectid).
 */
import { createHash } from 'node:crypto';
import type { FolderRow } from '../store/folders.js';
import type { ThreadFields } from '../store/thread-fields.js';

export function mailboxObjectId(folder: Pick<FolderRow, 'id' | 'uidvalidity'>): string {
  return `F${folder.id}-${folder.uidvalidity}`;
}

export function emailObjectId(blobId: number): string {
  return `M${blobId}`;
}

/** The blob id an EMAILID names, or undefined when it is not one of ours. */
export function blobOfEmailId(id: string): number | undefined {
  const m = /^M([1-9]\d{0,15})$/.exec(id);
  return m ? Number(m[1]) : undefined;
}

/** The first `<...>` message id in a header field's value. */
function firstMsgId(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /<[^<>\s]+>/.exec(value);
  return m ? m[0] : undefined;
}

/** A field's value in the decoded "name: value" lines of blob_search.headers. */
function headerValue(headers: string, name: string): string | undefined {
  const re = new RegExp(`^${name}:(.*)$`, 'm');
  const m = re.exec(headers);
  return m ? m[1] : undefined;
}

export function threadIdOf(f: ThreadFields): string {
  const root =
    firstMsgId(headerValue(f.headers, 'references')) ??
    firstMsgId(headerValue(f.headers, 'in-reply-to')) ??
    firstMsgId(f.messageId);
  if (!root) return `TM${f.blobId}`;
  return 'T' + createHash('sha256').update(root).digest('hex').slice(0, 20);
}
