/**
 * Teaching rspamd from what people do in their mail client: a message moved or
 * copied over IMAP into Junk (the folder with `\Junk`, RFC 6154, or named Junk)
 * from any other folder is learned as spam (`/learnspam`), one moved out of
 * Junk into any folder but Trash as ham (`/learnham`) — out of Junk into Trash
 * is throwing spam away, not a verdict. The COPY/MOVE has committed and been
 * answered before rspamd is asked: learning runs in the background, one message
 * after another, and its failures are logged and counted
 * (gospochta_spam_learn_total{outcome="failed"}), never reported to the client.
 */
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import type { Logger } from '../shared/logger.js';
import { getMessages } from '../store/messages.js';
import { readBlob } from '../store/blobs.js';
import type { FolderRow } from '../store/folders.js';
import { metrics, METRIC } from '../shared/metrics.js';
import { learnMessage, type LearnKind } from './rspamd.js';

const isJunk = (f: FolderRow) => f.special_use === '\\Junk' || f.name.toLowerCase() === 'junk';
const isTrash = (f: FolderRow) => f.special_use === '\\Trash' || f.name.toLowerCase() === 'trash';

/** What a move or copy from `from` to `to` teaches: spam, ham, or nothing. */
export function lessonOf(from: FolderRow, to: FolderRow): LearnKind | null {
  if (isJunk(to) && !isJunk(from)) return 'spam';
  if (isJunk(from) && !isJunk(to) && !isTrash(to)) return 'ham';
  return null;
}

export interface MovedMessages {
  cfg: Config;
  db: Db;
  log: Logger;
  from: FolderRow;
  to: FolderRow;
  /** The uids the messages have in `to`. */
  uids: readonly number[];
}

/** Start teaching rspamd the moved messages; returns at once. */
export function learnFromMove(m: MovedMessages): void {
  if (!m.cfg.spam.rspamdUrl || !m.uids.length) return;
  const kind = lessonOf(m.from, m.to);
  if (!kind) return;
  const blobIds = getMessages(m.db, m.to.id, m.uids).map((r) => r.blobId);
  void (async () => {
    for (const blobId of blobIds) {
      try {
        const outcome = await learnMessage(m.cfg.spam, kind, readBlob(m.db, blobId));
        metrics.inc(METRIC.spamLearned, { kind, outcome });
      } catch (e) {
        metrics.inc(METRIC.spamLearned, { kind, outcome: 'failed' });
        m.log.warn({ kind, error: (e as Error).message }, 'spam: teaching rspamd failed');
      }
    }
  })();
}
