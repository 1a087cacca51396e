/**
 * Versioned schema migrations. `PRAGMA user_version` holds the applied version;
 * each migration runs in its own transaction. A database newer than the code is
 * refused (see db.ts). Never edit a released migration: add a new one.
 *
 * Times are Unix milliseconds (INTEGER). Calendar dates from documents are ISO
 * `YYYY-MM-DD` text.
 */
import type { Database } from 'better-sqlite3';
import { addressText, parseDateDay } from '../mime/search.js';
import type { ImapAddress, ImapEnvelope } from '../mime/types.js';
import { sortFields } from '../mime/sort-fields.js';
import { ftsDocument } from '../mime/words.js';
import { schemaV1 } from './schema-v1.js';
import { DROPPED_SORT_INDEXES, messageSortMigration } from './message-sort-schema.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Runs after `sql`, in the same transaction: fills new columns from stored data. */
  backfill?: (db: Database) => void;
}

export const migrations: Migration[] = [
  schemaV1,
  {
    version: 2,
    name: 'noselect folders, unseen and vanished indexes',
    sql: `
-- RFC 3501 §6.3.4: a deleted folder that has inferiors stays as a \\Noselect name.
ALTER TABLE folders ADD COLUMN noselect INTEGER NOT NULL DEFAULT 0;
UPDATE folders SET noselect = 1, special_use = NULL WHERE special_use = '\\Noselect';
-- STATUS UNSEEN / SELECT [UNSEEN] without reading every row of the folder.
CREATE INDEX messages_unseen ON messages(folder_id, uid) WHERE (flags & 1) = 0;
-- QRESYNC VANISHED (CHANGEDSINCE n) reads only newer expunges (RFC 7162 §3.2.6).
CREATE INDEX expunged_modseq ON expunged(folder_id, modseq);
`,
  },
  {
    version: 3,
    name: 'sent day of the Date: header for SENTBEFORE/SENTON/SENTSINCE',
    sql: `
-- RFC 3501 §6.4.4: the date written in the Date: header, in the sender's zone
-- (00:00 UTC of that day, ms); NULL if absent or unparsable.
ALTER TABLE blob_search ADD COLUMN sent_day INTEGER;
`,
    backfill(db) {
      // from the stored header text ("date: ..." lines, lower-cased)
      const rows = db.prepare<[], { blob_id: number; headers: string }>("SELECT blob_id, headers FROM blob_search WHERE headers LIKE '%date:%'").all();
      const set = db.prepare('UPDATE blob_search SET sent_day = ? WHERE blob_id = ?');
      for (const r of rows) {
        const m = /^date: ?(.*)$/m.exec(r.headers);
        const day = m ? parseDateDay(m[1]!) : null;
        if (day !== null) set.run(day, r.blob_id);
      }
    },
  },
  {
    version: 4,
    name: 'the zone of INTERNALDATE',
    sql: `
-- RFC 3501 §6.3.11: INTERNALDATE keeps the zone APPEND gave it (minutes east of UTC).
ALTER TABLE messages ADD COLUMN internal_zone INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    version: 5,
    name: 'subscriptions kept by name',
    sql: `
-- RFC 3501 §6.3.6 / RFC 5258 §3.1: a subscription is a name; it outlives the folder
-- (LIST (SUBSCRIBED) answers it with \\NonExistent). folders.subscribed follows it.
CREATE TABLE subscriptions (
  mailbox_id  INTEGER NOT NULL REFERENCES mailboxes(id),
  name        TEXT NOT NULL,
  PRIMARY KEY (mailbox_id, name)
) WITHOUT ROWID;
INSERT INTO subscriptions (mailbox_id, name) SELECT mailbox_id, name FROM folders WHERE subscribed = 1;
`,
  },
  {
    version: 6,
    name: 'group names in the address search text',
    sql: '',
    backfill(db) {
      // RFC 5322 §3.4: SEARCH TO/CC/BCC finds a group by its name; only messages with a
      // group (a NIL-host marker in the stored envelope) change.
      const rows = db.prepare<[], { id: number; parsed: string }>(`SELECT id, parsed FROM blobs WHERE parsed LIKE '%"host":null%'`).all();
      const set = db.prepare('UPDATE blob_search SET from_text = ?, to_text = ?, cc_text = ?, bcc_text = ? WHERE blob_id = ?');
      for (const r of rows) {
        let env: Partial<Record<'from' | 'to' | 'cc' | 'bcc', ImapAddress[] | null>> | undefined;
        try {
          env = (JSON.parse(r.parsed) as { envelope?: typeof env }).envelope;
        } catch {
          continue;
        }
        if (!env) continue;
        const t = (k: 'from' | 'to' | 'cc' | 'bcc') => addressText(env![k] ?? null).toLowerCase();
        set.run(t('from'), t('to'), t('cc'), t('bcc'), r.id);
      }
    },
  },
  {
    version: 7,
    name: 'outbound queue and DKIM keys',
    sql: `
-- One row per remote recipient of an accepted submission; the message bytes are a
-- blob with one reference per row still queued.
CREATE TABLE outbound_queue (
  id              INTEGER PRIMARY KEY,
  queue_id        TEXT NOT NULL,
  mailbox_id      INTEGER REFERENCES mailboxes(id),
  sender          TEXT NOT NULL,
  recipient       TEXT NOT NULL,
  domain          TEXT NOT NULL,
  blob_id         INTEGER NOT NULL REFERENCES blobs(id),
  created_at      INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  status          TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'bounced')),
  last_attempt_at INTEGER,
  last_error      TEXT,
  remote          TEXT
);
CREATE INDEX outbound_due ON outbound_queue(status, next_attempt_at);
CREATE INDEX outbound_queue_id ON outbound_queue(queue_id);

CREATE TABLE dkim_keys (
  domain      TEXT PRIMARY KEY,
  selector    TEXT NOT NULL,
  algorithm   TEXT NOT NULL,
  private_key TEXT NOT NULL,
  public_key  TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
`,
  },
  {
    version: 8,
    name: 'two-factor protection and app passwords',
    sql: `
-- When two-factor protection was turned on; NULL = off. While on, IMAP, POP3 and
-- SMTP accept app passwords only.
ALTER TABLE mailboxes ADD COLUMN two_factor_at INTEGER;

-- App passwords: random, shown once, stored as argon2id. The selector (the first
-- characters of the password) narrows the verification to one row or two.
CREATE TABLE app_passwords (
  id                 INTEGER PRIMARY KEY,
  mailbox_id         INTEGER NOT NULL REFERENCES mailboxes(id),
  name               TEXT NOT NULL,
  selector           TEXT NOT NULL,
  hash               TEXT NOT NULL,
  created_at         INTEGER NOT NULL,
  last_used_at       INTEGER,
  last_used_network  TEXT,
  last_used_protocol TEXT,
  revoked_at         INTEGER
);
CREATE UNIQUE INDEX app_passwords_name ON app_passwords(mailbox_id, name) WHERE revoked_at IS NULL;
CREATE INDEX app_passwords_selector ON app_passwords(mailbox_id, selector) WHERE revoked_at IS NULL;

-- One-time codes that turn two-factor protection on (the rules of confirmation codes).
CREATE TABLE two_factor_codes (
  id         INTEGER PRIMARY KEY,
  mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id),
  code_hash  TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0,
  used_at    INTEGER
);
CREATE INDEX two_factor_codes_mailbox ON two_factor_codes(mailbox_id, id);
`,
  },
  {
    version: 9,
    name: 'forwarding, Sieve scripts and vacation replies',
    sql: `
-- Where a mailbox's mail is forwarded: targets a JSON array of addresses; keep = 1
-- leaves a copy in the mailbox too.
CREATE TABLE forwards (
  mailbox_id  INTEGER PRIMARY KEY REFERENCES mailboxes(id),
  targets     TEXT NOT NULL,
  keep        INTEGER NOT NULL DEFAULT 1,
  updated_at  INTEGER NOT NULL
);

-- Sieve scripts (RFC 5228) of a mailbox, managed over ManageSieve (RFC 5804) and the
-- CLI; at most one active.
CREATE TABLE sieve_scripts (
  id          INTEGER PRIMARY KEY,
  mailbox_id  INTEGER NOT NULL REFERENCES mailboxes(id),
  name        TEXT NOT NULL,
  content     TEXT NOT NULL,
  active      INTEGER NOT NULL DEFAULT 0,
  updated_at  INTEGER NOT NULL,
  UNIQUE (mailbox_id, name)
);
CREATE UNIQUE INDEX sieve_one_active ON sieve_scripts(mailbox_id) WHERE active = 1;

-- Vacation replies sent (RFC 5230 §4.2): one per sender and handle per period.
CREATE TABLE vacation_replies (
  mailbox_id  INTEGER NOT NULL REFERENCES mailboxes(id),
  sender      TEXT NOT NULL,
  handle      TEXT NOT NULL,
  sent_at     INTEGER NOT NULL,
  PRIMARY KEY (mailbox_id, sender, handle)
);

-- Server secrets made at migration: 'srs' keys the Sender Rewriting Scheme hashes.
CREATE TABLE server_secrets (
  name   TEXT PRIMARY KEY,
  value  BLOB NOT NULL
);
INSERT INTO server_secrets (name, value) VALUES ('srs', randomblob(32));
`,
  },
  {
    version: 10,
    name: 'full-text index and mailbox quotas',
    sql: `
-- The full-text index: stems and words of the header block and the body text, one
-- row per blob (store/fts.ts); no copy of the text.
CREATE VIRTUAL TABLE blob_fts USING fts5(
  head, body,
  content = '', contentless_delete = 1, detail = column,
  tokenize = 'unicode61 remove_diacritics 0'
);
-- Every token ever indexed: a search word is matched inside longer words through it.
CREATE TABLE fts_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;

-- RFC 9208: STORAGE and MESSAGE usage per mailbox, kept by triggers on messages
-- (delivery, APPEND, COPY, MOVE, EXPUNGE and the retention purge all insert or delete rows).
ALTER TABLE mailboxes ADD COLUMN quota_bytes INTEGER;  -- NULL: limits.mailboxBytes
ALTER TABLE mailboxes ADD COLUMN used_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mailboxes ADD COLUMN used_messages INTEGER NOT NULL DEFAULT 0;
UPDATE mailboxes SET
  used_bytes = (SELECT coalesce(sum(m.size), 0) FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.mailbox_id = mailboxes.id),
  used_messages = (SELECT count(*) FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.mailbox_id = mailboxes.id);
CREATE TRIGGER messages_usage_insert AFTER INSERT ON messages BEGIN
  UPDATE mailboxes SET used_bytes = used_bytes + NEW.size, used_messages = used_messages + 1
   WHERE id = (SELECT mailbox_id FROM folders WHERE id = NEW.folder_id);
END;
CREATE TRIGGER messages_usage_delete AFTER DELETE ON messages BEGIN
  UPDATE mailboxes SET used_bytes = used_bytes - OLD.size, used_messages = used_messages - 1
   WHERE id = (SELECT mailbox_id FROM folders WHERE id = OLD.folder_id);
END;
`,
    backfill: (db) => {
      // The messages stored so far, indexed as ingest does (store/fts.ts indexBlob).
      const batch = db.prepare<[number], { blob_id: number; headers: string; body: string }>(
        'SELECT blob_id, headers, body FROM blob_search WHERE blob_id > ? ORDER BY blob_id LIMIT 1000',
      );
      const put = db.prepare('INSERT INTO blob_fts (rowid, head, body) VALUES (?, ?, ?)');
      const terms = db.prepare('INSERT OR IGNORE INTO fts_terms (term) SELECT value FROM json_each(?)');
      for (let rows = batch.all(0); rows.length; rows = batch.all(rows[rows.length - 1]!.blob_id)) {
        for (const r of rows) {
          const doc = ftsDocument(r.headers, r.body);
          put.run(r.blob_id, doc.head, doc.body);
          terms.run(JSON.stringify(doc.terms));
        }
      }
    },
  },
  {
    version: 11,
    name: 'sort and thread keys, save dates',
    sql: `
-- RFC 5256 SORT / THREAD and RFC 5957 SORT=DISPLAY keys, once per blob (mime/sort-fields.ts).
CREATE TABLE blob_sort (
  blob_id          INTEGER PRIMARY KEY REFERENCES blobs(id),
  sent_date        INTEGER,                    -- Date: header, ms (NULL: SORT DATE uses the internal date)
  subject_key      TEXT NOT NULL DEFAULT '',   -- RFC 5256 §2.1 base subject, case-folded
  reply            INTEGER NOT NULL DEFAULT 0, -- the subject carried Re:/Fwd: (REFERENCES step 5)
  from_key         TEXT NOT NULL DEFAULT '',   -- addr-mailbox of the first address, case-folded
  to_key           TEXT NOT NULL DEFAULT '',
  cc_key           TEXT NOT NULL DEFAULT '',
  display_from_key TEXT NOT NULL DEFAULT '',   -- display name, else addr-spec, case-folded
  display_to_key   TEXT NOT NULL DEFAULT '',
  message_id       TEXT NOT NULL DEFAULT '',   -- <id>, lower-cased
  parents          TEXT NOT NULL DEFAULT ''    -- References ids (or the In-Reply-To id), space-separated
);
-- RFC 8514 SAVEDATE: when the message was saved into this folder (APPEND, delivery, COPY, MOVE);
-- stored_at (the retention clock) is kept on copy.
ALTER TABLE messages ADD COLUMN saved_at INTEGER;
UPDATE messages SET saved_at = stored_at;
`,
    backfill(db) {
      const page = db.prepare<[number], { id: number; env: string | null; headers: string | null; sent: number | null }>(
        `SELECT b.id, json_extract(b.parsed, '$.envelope') AS env, s.headers, s.sent_date AS sent
           FROM blobs b LEFT JOIN blob_search s ON s.blob_id = b.id WHERE b.id > ? ORDER BY b.id LIMIT 1000`,
      );
      const put = db.prepare(
        `INSERT OR REPLACE INTO blob_sort (blob_id, sent_date, subject_key, reply, from_key, to_key, cc_key,
           display_from_key, display_to_key, message_id, parents) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (let last = 0; ; ) {
        const rows = page.all(last);
        if (rows.length === 0) break;
        for (const r of rows) {
          last = r.id;
          let env: ImapEnvelope | undefined;
          try {
            env = r.env ? (JSON.parse(r.env) as ImapEnvelope) : undefined;
          } catch {
            env = undefined;
          }
          if (!env) continue;
          const f = sortFields(env, r.headers ?? '');
          put.run(r.id, r.sent, f.subjectKey, f.reply ? 1 : 0, f.fromKey, f.toKey, f.ccKey, f.displayFromKey, f.displayToKey, f.messageId, f.parents);
        }
      }
    },
  },
  {
    version: 13,
    name: 'outbound delay notices',
    sql: `
-- When the sender of a queued message was told it is delayed (RFC 3464 Action: delayed), once per recipient.
ALTER TABLE outbound_queue ADD COLUMN delay_notice_at INTEGER;
`,
  },
  {
    version: 14,
    name: 'destruction of personal data (152-FZ)',
    sql: `
-- When the personal data of the account was destroyed (after consent revocation or deletion); NULL = not yet.
ALTER TABLE accounts ADD COLUMN personal_data_destroyed_at INTEGER;
`,
  },
  {
    version: 16,
    name: 'outbound TLS policy',
    sql: `
-- How the last delivery attempt of a queue row was protected: the TLS policy it was
-- held to (DANE, MTA-STS, opportunistic) and what the session found; NULL before any.
ALTER TABLE outbound_queue ADD COLUMN tls TEXT;
`,
  },
  messageSortMigration,
  {
    version: 18,
    name: 'daily limit read from the index alone',
    sql: `
-- The daily rule sums a mailbox's recipients of the last 24 hours at every RCPT
-- (policy/daily-limit.ts): with the count in the index that is one range of it,
-- without a look-up of each row in the table.
CREATE INDEX send_events_recipients ON send_events(mailbox_id, at, recipients);
DROP INDEX send_events_mailbox;
`,
  },
  {
    version: 19,
    name: 'sort indexes kept for DATE and ARRIVAL only',
    sql: `
-- Every message written or expunged updated nine sort-key indexes of message_sort, a
-- page of each in every transaction. SORT by a key other than DATE and ARRIVAL (the
-- orders clients ask for) sorts the folder's rows instead (store/message-sort.ts).
${DROPPED_SORT_INDEXES.map((k) => `DROP INDEX message_sort_${k};`).join('\n')}
`,
  },
];

export const SCHEMA_VERSION = migrations[migrations.length - 1]!.version;
