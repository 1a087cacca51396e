/**
 * Migration 17: the sort keys per message, in `message_sort` (one row per message,
 * kept in step with `messages` and `blob_sort` by triggers), with one covering
 * index `(folder_id, key, uid)` per SORT key (RFC 5256 §3, RFC 5957), so a SORT is
 * an index scan that returns uids in order (store/message-sort.ts; migration 19
 * keeps only those of DATE and ARRIVAL); and the
 * Message-IDs and base subjects THREAD compares, interned to integers
 * (`thread_names`, store/thread-names.ts) and kept in `blob_sort` and `message_sort`.
 *
 * Also the known full-text terms indexed by trigrams (`fts_terms_trigram`, kept by
 * a trigger on `fts_terms`), so the terms containing a search word (store/fts.ts
 * termsContaining) are found without reading every term.
 *
 * The backfill interns the names of every stored blob and fills `message_sort` from
 * `messages` and `blob_sort` in one statement.
 */
import type { Database } from 'better-sqlite3';
import { NameInterner } from './thread-names.js';

/** Columns of message_sort, in the order the SELECTs below produce them. */
const COLUMNS =
  'folder_id, uid, date, arrival, size, subject_key, from_key, to_key, cc_key, display_from_key, display_to_key, reply, message_ref, subject_ref, parent_refs';

/** The row of message `m` (an alias or `new`) with the keys `k` of its blob (may be NULL). */
function rowOf(m: string, k: string): string {
  return `${m}.folder_id, ${m}.uid, coalesce(${k}.sent_date, ${m}.internal_date), ${m}.internal_date, ${m}.size,
    coalesce(${k}.subject_key, ''), coalesce(${k}.from_key, ''), coalesce(${k}.to_key, ''), coalesce(${k}.cc_key, ''),
    coalesce(${k}.display_from_key, ''), coalesce(${k}.display_to_key, ''), coalesce(${k}.reply, 0),
    coalesce(${k}.message_ref, 0), coalesce(${k}.subject_ref, 0), coalesce(${k}.parent_refs, '')`;
}

/** SORT key column → index name (as migration 17 made them). */
const KEYS = ['date', 'arrival', 'size', 'subject_key', 'from_key', 'to_key', 'cc_key', 'display_from_key', 'display_to_key'];

/** The key indexes migration 19 drops: only `date` and `arrival` keep theirs (store/message-sort.ts). */
export const DROPPED_SORT_INDEXES = ['size', 'subject_key', 'from_key', 'to_key', 'cc_key', 'display_from_key', 'display_to_key'];

const SQL = `
-- THREAD's names (RFC 5256 §3: Message-IDs, base subjects) as integers; 0 = none.
-- A name goes when no blob uses it any more (store/thread-names.ts).
CREATE TABLE thread_names (
  id   INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  uses INTEGER NOT NULL DEFAULT 0               -- blob_sort references to it
);
ALTER TABLE blob_sort ADD COLUMN message_ref INTEGER NOT NULL DEFAULT 0;  -- thread_names id of message_id
ALTER TABLE blob_sort ADD COLUMN subject_ref INTEGER NOT NULL DEFAULT 0;  -- of subject_key
ALTER TABLE blob_sort ADD COLUMN parent_refs TEXT NOT NULL DEFAULT '';    -- of parents, space-separated

-- One row per message: what SORT orders by and THREAD reads, for one folder at a time.
CREATE TABLE message_sort (
  folder_id        INTEGER NOT NULL,
  uid              INTEGER NOT NULL,
  date             INTEGER NOT NULL,           -- RFC 5256 §3 DATE: the Date: header, else the internal date
  arrival          INTEGER NOT NULL,           -- internal date
  size             INTEGER NOT NULL,
  subject_key      TEXT NOT NULL,
  from_key         TEXT NOT NULL,
  to_key           TEXT NOT NULL,
  cc_key           TEXT NOT NULL,
  display_from_key TEXT NOT NULL,
  display_to_key   TEXT NOT NULL,
  reply            INTEGER NOT NULL,
  message_ref      INTEGER NOT NULL,
  subject_ref      INTEGER NOT NULL,
  parent_refs      TEXT NOT NULL,
  PRIMARY KEY (folder_id, uid)
) WITHOUT ROWID;
${KEYS.map((k) => `CREATE INDEX message_sort_${k} ON message_sort(folder_id, ${k}, uid);`).join('\n')}
-- What THREAD reads, narrow: a scan of it reads a sixth of the table's pages.
CREATE INDEX message_sort_thread ON message_sort(folder_id, uid, date, subject_ref, reply, message_ref, parent_refs);

-- Delivery, APPEND, COPY, MOVE, EXPUNGE, the purge and folder deletion all insert or delete messages rows.
CREATE TRIGGER message_sort_insert AFTER INSERT ON messages BEGIN
  INSERT OR REPLACE INTO message_sort (${COLUMNS})
    SELECT ${rowOf('new', 'k')} FROM (SELECT 1) LEFT JOIN blob_sort k ON k.blob_id = new.blob_id;
END;
CREATE TRIGGER message_sort_delete AFTER DELETE ON messages BEGIN
  DELETE FROM message_sort WHERE folder_id = old.folder_id AND uid = old.uid;
END;
-- Flags, keywords and modseq do not take part.
CREATE TRIGGER message_sort_update AFTER UPDATE OF folder_id, uid, blob_id, size, internal_date ON messages BEGIN
  DELETE FROM message_sort WHERE folder_id = old.folder_id AND uid = old.uid;
  INSERT OR REPLACE INTO message_sort (${COLUMNS})
    SELECT ${rowOf('new', 'k')} FROM (SELECT 1) LEFT JOIN blob_sort k ON k.blob_id = new.blob_id;
END;
-- Keys written (or rewritten) after messages of the blob exist.
CREATE TRIGGER message_sort_keys AFTER INSERT ON blob_sort BEGIN
  INSERT OR REPLACE INTO message_sort (${COLUMNS})
    SELECT ${rowOf('m', 'new')} FROM messages m WHERE m.blob_id = new.blob_id;
END;

-- Every known full-text term again, by trigrams: "terms containing x" is an index look-up
-- (SEARCH BODY/TEXT, RFC 3501 §6.4.4 substring). Terms leave only in pruneTerms (store/fts.ts).
CREATE VIRTUAL TABLE fts_terms_trigram USING fts5(term, tokenize = 'trigram', detail = 'none');
INSERT INTO fts_terms_trigram (term) SELECT term FROM fts_terms;
CREATE TRIGGER fts_terms_trigram_insert AFTER INSERT ON fts_terms BEGIN
  INSERT INTO fts_terms_trigram (term) VALUES (new.term);
END;
`;

function backfill(db: Database): void {
  const names = new NameInterner(db);
  const page = db.prepare<[number], { id: number; mid: string; subj: string; parents: string }>(
    'SELECT blob_id AS id, message_id AS mid, subject_key AS subj, parents FROM blob_sort WHERE blob_id > ? ORDER BY blob_id LIMIT 1000',
  );
  const put = db.prepare('UPDATE blob_sort SET message_ref = ?, subject_ref = ?, parent_refs = ? WHERE blob_id = ?');
  for (let last = 0; ; ) {
    const rows = page.all(last);
    if (rows.length === 0) break;
    for (const r of rows) {
      last = r.id;
      const refs = names.refs(r.mid, r.subj, r.parents);
      put.run(refs.messageRef, refs.subjectRef, refs.parentRefs, r.id);
    }
  }
  db.exec(`INSERT INTO message_sort (${COLUMNS}) SELECT ${rowOf('m', 'k')} FROM messages m LEFT JOIN blob_sort k ON k.blob_id = m.blob_id`);
}

export const messageSortMigration = { version: 17, name: 'sort keys per message, thread names, term trigrams', sql: SQL, backfill };
