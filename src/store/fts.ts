/**
 * The full-text index (SQLite FTS5): one row per blob — shared by every copy of
 * the message — with the index tokens of its decoded header block (`head`) and of
 * its text and HTML parts (`body`), made by mime/words.ts. The table keeps no
 * copy of the text (contentless, `contentless_delete=1`); `fts_terms` lists every
 * token ever indexed, so a word can be matched inside longer words (RFC 3501
 * §6.4.4 substring) by finding the terms that contain it, then asking FTS5 for
 * the blobs holding any of them.
 *
 * Rows are written at ingest (store/blobs.ts putBlob), removed when the blob is
 * freed (collectGarbage: after expunge and retention purge), and rebuilt by
 * `reindexBatch` (`gospochta reindex`); migration 10 indexes the mail stored before it.
 */
import type { Db } from './db.js';
import { bumpControl, cached, controlCounter } from './db.js';
import { perConnection } from './connection.js';
import { ftsDocument, type FtsDocument } from '../mime/words.js';

/** Terms of one search word beyond this many: the word is searched as a substring instead. */
export const MAX_TERMS_PER_WORD = 400;

export type FtsField = 'body' | 'text';

/**
 * The terms a connection knows are in `fts_terms` (it inserted them, in a
 * transaction that committed, or found them there), so a message's known terms are
 * not looked up again: with ordinary text that lookup was most of a delivery's
 * transaction (about 1 ms for the ~1,000 distinct terms of 10 KB of prose). Terms
 * leave the table only in pruneTerms, which bumps the control counter in the same
 * transaction; the counter is read in the indexing transaction, so a changed one
 * empties the set before it is trusted. A write that fails after indexing (its
 * savepoint rolled back) empties it too (store/deliver.ts forgetKnownTerms).
 */
const knownTerms = perConnection(() => ({ counter: -1, terms: new Set<string>() }));
const KNOWN_TERMS_MAX = 500_000;

/** Index one blob (replacing what the index held for it). Runs in the caller's transaction. */
export function indexBlob(db: Db, blobId: number, doc: FtsDocument): void {
  cached(db, 'DELETE FROM blob_fts WHERE rowid = ?').run(blobId);
  cached(db, 'INSERT INTO blob_fts (rowid, head, body) VALUES (?, ?, ?)').run(blobId, doc.head, doc.body);
  const known = knownTerms(db);
  const counter = controlCounter(db);
  if (counter !== known.counter) {
    known.terms.clear();
    known.counter = counter;
  }
  const fresh = doc.terms.filter((t) => !known.terms.has(t));
  if (!fresh.length) return;
  // one statement for all the terms (a statement run costs more than a row)
  cached(db, 'INSERT OR IGNORE INTO fts_terms (term) SELECT value FROM json_each(?)').run(JSON.stringify(fresh));
  if (known.terms.size + fresh.length > KNOWN_TERMS_MAX) known.terms.clear();
  for (const t of fresh) known.terms.add(t);
}

/** A write that indexed may have been rolled back: the known terms are looked up again. */
export function forgetKnownTerms(db: Db): void {
  knownTerms(db).terms.clear();
}

/** Drop a freed blob from the index. */
export function unindexBlob(db: Db, blobId: number): void {
  cached(db, 'DELETE FROM blob_fts WHERE rowid = ?').run(blobId);
}

/**
 * Known terms containing `stem`, at most `limit + 1` of them (so the caller can
 * tell "too many"): from the trigram index of the terms (migration 17) for a stem
 * of three characters or more, else by reading the terms.
 */
export function termsContaining(db: Db, stem: string, limit = MAX_TERMS_PER_WORD): string[] {
  // LIKE's wildcards cannot be in a word; a string with one reads the terms
  if ([...stem].length < 3 || /[%_]/.test(stem)) return cached(db, 'SELECT term FROM fts_terms WHERE instr(term, ?) > 0 LIMIT ?').pluck().all(stem, limit + 1) as string[];
  return cached(db, 'SELECT term FROM fts_terms_trigram WHERE term LIKE ? AND instr(term, ?) > 0 LIMIT ?')
    .pluck()
    .all(`%${stem}%`, stem, limit + 1) as string[];
}

/**
 * Uids of a folder (ascending) whose blob's `field` (body; text = head and body)
 * holds, for every group, at least one of its terms.
 */
export function searchTerms(db: Db, folderId: number, field: FtsField, groups: string[][]): number[] {
  if (groups.length === 0 || groups.some((g) => g.length === 0)) return [];
  return cached(
    db,
    `SELECT m.uid FROM messages m
      WHERE m.folder_id = ? AND m.blob_id IN (SELECT rowid FROM blob_fts WHERE blob_fts MATCH ?)
      ORDER BY m.uid`,
  )
    .pluck()
    .all(folderId, ftsMatch(field, groups)) as number[];
}

/** The FTS5 query: for every group one of its terms, in the field's columns. */
function ftsMatch(field: FtsField, groups: string[][]): string {
  const cols = field === 'body' ? 'body' : '{head body}';
  return groups.map((g) => `${cols} : (${g.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ')})`).join(' AND ');
}

/**
 * Uids whose decoded `field` (body; text = headers and body) contains `needle`
 * (case-insensitive, RFC 3501 §6.4.4 substring), looked for only in the blobs whose
 * index holds, for every group, one of its terms (the caller's prefilter).
 */
export function searchTermsExact(db: Db, folderId: number, field: FtsField, groups: string[][], needle: string): number[] {
  if (groups.some((g) => g.length === 0)) return [];
  const where = field === 'body' ? 'instr(s.body, :q) > 0' : '(instr(s.headers, :q) > 0 OR instr(s.body, :q) > 0)';
  return cached(
    db,
    `SELECT m.uid FROM messages m JOIN blob_search s ON s.blob_id = m.blob_id
      WHERE m.folder_id = :f AND m.blob_id IN (SELECT rowid FROM blob_fts WHERE blob_fts MATCH :match) AND ${where}
      ORDER BY m.uid`,
  )
    .pluck()
    .all({ f: folderId, match: ftsMatch(field, groups), q: needle.toLowerCase() }) as number[];
}

export interface ReindexBatch {
  /** Blobs indexed in this batch. */
  blobs: number;
  /** The highest blob id done (the next batch starts after it); null when nothing was left. */
  lastId: number | null;
}

/**
 * Re-index up to `limit` blobs with id > `afterId` from their stored search text,
 * in one transaction. Call with the returned lastId until it is null.
 */
export function reindexBatch(db: Db, afterId: number, limit: number): ReindexBatch {
  return db.transaction(() => {
    const rows = cached(db, 'SELECT blob_id, headers, body FROM blob_search WHERE blob_id > ? ORDER BY blob_id LIMIT ?').all(afterId, limit) as Array<{
      blob_id: number;
      headers: string;
      body: string;
    }>;
    for (const r of rows) indexBlob(db, r.blob_id, ftsDocument(r.headers, r.body));
    return { blobs: rows.length, lastId: rows.length ? rows[rows.length - 1]!.blob_id : null };
  })();
}

/** Blobs with search text (what a full rebuild goes through). */
export function indexableBlobs(db: Db): number {
  return (cached(db, 'SELECT count(*) FROM blob_search').pluck().get() as number) ?? 0;
}

/**
 * Drop from `fts_terms` the tokens no indexed blob holds any more (their mail was
 * purged), so matching a word inside longer words scans only live terms. Run after
 * a full rebuild.
 */
export function pruneTerms(db: Db): number {
  db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_vocab USING fts5vocab(main, 'blob_fts', 'row')");
  try {
    return db.transaction(() => {
      const n = db.prepare('DELETE FROM fts_terms WHERE term NOT IN (SELECT term FROM temp.fts_vocab)').run().changes;
      if (n > 0) {
        db.prepare('DELETE FROM fts_terms_trigram WHERE term NOT IN (SELECT term FROM fts_terms)').run();
        // A running server's connections forget the terms they knew (indexBlob).
        bumpControl(db);
      }
      return n;
    }).immediate();
  } finally {
    db.exec('DROP TABLE temp.fts_vocab');
  }
}
