/**
 * Migration 1: the base schema — accounts and their documents, consents and
 * confirmations, mailboxes, folders, messages, blobs, the audit trail, logins and
 * sends. Kept as released (never edited); later changes are migrations in
 * migrations.ts.
 */
import type { Migration } from './migrations.js';

export const schemaV1: Migration = {
  version: 1,
  name: 'initial data model',
  sql: `
CREATE TABLE accounts (
id                 INTEGER PRIMARY KEY,
full_name          TEXT NOT NULL,
birth_date         TEXT,
snils              TEXT UNIQUE,
inn                TEXT,
phone              TEXT NOT NULL,
contact_email      TEXT,
passport_series    TEXT,
passport_number    TEXT,
passport_issued    TEXT,
passport_division  TEXT,
level              TEXT NOT NULL DEFAULT 'simplified' CHECK (level IN ('simplified','standard','confirmed')),
status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','blocked','deleted')),
confirmed_method   TEXT CHECK (confirmed_method IN ('code','in-person','certificate')),
confirmed_at       INTEGER,
confirmed_by       TEXT,
confirmed_details  TEXT,
created_at         INTEGER NOT NULL,
updated_at         INTEGER NOT NULL
);

CREATE TABLE consents (
id          INTEGER PRIMARY KEY,
account_id  INTEGER NOT NULL REFERENCES accounts(id),
version     TEXT NOT NULL,
purposes    TEXT NOT NULL,   -- JSON array
data_list   TEXT NOT NULL,   -- JSON array
granted_at  INTEGER NOT NULL,
revoked_at  INTEGER
);
CREATE INDEX consents_account ON consents(account_id);

CREATE TABLE confirmation_codes (
id          INTEGER PRIMARY KEY,
account_id  INTEGER NOT NULL REFERENCES accounts(id),
code_hash   TEXT NOT NULL,
created_at  INTEGER NOT NULL,
expires_at  INTEGER NOT NULL,
attempts    INTEGER NOT NULL DEFAULT 0,
used_at     INTEGER
);
CREATE INDEX confirmation_codes_account ON confirmation_codes(account_id, created_at);

CREATE TABLE mailboxes (
id                  INTEGER PRIMARY KEY,
account_id          INTEGER NOT NULL REFERENCES accounts(id),
address             TEXT NOT NULL UNIQUE,  -- lower-cased; kept after deletion so it is never reissued
local_part          TEXT NOT NULL,
domain              TEXT NOT NULL,
password_hash       TEXT NOT NULL,
status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','blocked','deleted')),
created_at          INTEGER NOT NULL,
password_changed_at INTEGER NOT NULL,
deleted_at          INTEGER
);
CREATE INDEX mailboxes_account ON mailboxes(account_id);

CREATE TABLE folders (
id             INTEGER PRIMARY KEY,
mailbox_id     INTEGER NOT NULL REFERENCES mailboxes(id),
name           TEXT NOT NULL,          -- full path, '/' delimited, Unicode (UTF-8)
special_use    TEXT,                   -- \\Sent \\Drafts \\Trash \\Junk \\Archive
uidvalidity    INTEGER NOT NULL,
uidnext        INTEGER NOT NULL DEFAULT 1,
highestmodseq  INTEGER NOT NULL DEFAULT 1,
recent_uid     INTEGER NOT NULL DEFAULT 0, -- RFC 3501 §2.3.2: uids above this are \\Recent for the next session that selects
subscribed     INTEGER NOT NULL DEFAULT 1,
created_at     INTEGER NOT NULL,
UNIQUE (mailbox_id, name)
);

-- Raw RFC 5322 bytes stored once by SHA-256, reference-counted, with what ingest parsed.
CREATE TABLE blobs (
id            INTEGER PRIMARY KEY,
sha256        TEXT NOT NULL UNIQUE,
size          INTEGER NOT NULL,
refcount      INTEGER NOT NULL DEFAULT 0,
chunk_size    INTEGER NOT NULL,
parsed        TEXT NOT NULL,     -- JSON ParsedMessage without search text: part tree with offsets, envelope, bodystructure
created_at    INTEGER NOT NULL
);
CREATE INDEX blobs_unreferenced ON blobs(refcount) WHERE refcount <= 0;

CREATE TABLE blob_chunks (
blob_id  INTEGER NOT NULL REFERENCES blobs(id),
seq      INTEGER NOT NULL,
data     BLOB NOT NULL,
PRIMARY KEY (blob_id, seq)
) WITHOUT ROWID;

-- Search fields of a blob, lower-cased decoded text (served to SEARCH from columns).
CREATE TABLE blob_search (
blob_id     INTEGER PRIMARY KEY REFERENCES blobs(id),
sent_date   INTEGER,     -- Date: header, ms (NULL if absent or unparsable)
subject     TEXT NOT NULL DEFAULT '',
from_text   TEXT NOT NULL DEFAULT '',
to_text     TEXT NOT NULL DEFAULT '',
cc_text     TEXT NOT NULL DEFAULT '',
bcc_text    TEXT NOT NULL DEFAULT '',
message_id  TEXT NOT NULL DEFAULT '',
headers     TEXT NOT NULL DEFAULT '',  -- decoded header block, lower-cased, "name: value" lines
body        TEXT NOT NULL DEFAULT ''   -- decoded text of text/* parts, lower-cased
);

CREATE TABLE messages (
id             INTEGER PRIMARY KEY,
folder_id      INTEGER NOT NULL REFERENCES folders(id),
uid            INTEGER NOT NULL,
blob_id        INTEGER NOT NULL REFERENCES blobs(id),
size           INTEGER NOT NULL,
flags          INTEGER NOT NULL DEFAULT 0,   -- bit mask of system flags, see store/flags.ts
keywords       TEXT NOT NULL DEFAULT '',     -- space-separated keywords
internal_date  INTEGER NOT NULL,
stored_at      INTEGER NOT NULL,             -- when this server stored it: the retention clock
modseq         INTEGER NOT NULL,
UNIQUE (folder_id, uid)
);
CREATE INDEX messages_stored_at ON messages(stored_at);
CREATE INDEX messages_blob ON messages(blob_id);
CREATE INDEX messages_modseq ON messages(folder_id, modseq);

-- Expunged uids with their modseq, for QRESYNC VANISHED (RFC 7162 §3.2.5).
CREATE TABLE expunged (
folder_id  INTEGER NOT NULL,
uid        INTEGER NOT NULL,
modseq     INTEGER NOT NULL,
PRIMARY KEY (folder_id, uid)
) WITHOUT ROWID;

CREATE TABLE send_events (
id          INTEGER PRIMARY KEY,
mailbox_id  INTEGER NOT NULL REFERENCES mailboxes(id),
at          INTEGER NOT NULL,
recipients  INTEGER NOT NULL
);
CREATE INDEX send_events_mailbox ON send_events(mailbox_id, at);

CREATE TABLE audit_events (
id          INTEGER PRIMARY KEY,
at          INTEGER NOT NULL,
actor       TEXT NOT NULL,    -- operator:NAME | mailbox:ADDRESS | system
subject     TEXT NOT NULL,    -- account:ID | mailbox:ADDRESS | ip:ADDR | server
action      TEXT NOT NULL,
outcome     TEXT NOT NULL DEFAULT 'ok',
remote      TEXT,
account_id  INTEGER,
mailbox_id  INTEGER,
details     TEXT              -- JSON
);
CREATE INDEX audit_at ON audit_events(at);
CREATE INDEX audit_account ON audit_events(account_id, at);
CREATE INDEX audit_mailbox ON audit_events(mailbox_id, at);

-- Logins (IMAP and SMTP): the login journal and new-device detection.
CREATE TABLE logins (
id          INTEGER PRIMARY KEY,
at          INTEGER NOT NULL,
mailbox_id  INTEGER,
address     TEXT NOT NULL,
protocol    TEXT NOT NULL,
remote      TEXT,
client      TEXT,
outcome     TEXT NOT NULL
);
CREATE INDEX logins_mailbox ON logins(mailbox_id, at);

CREATE TABLE auth_failures (
id       INTEGER PRIMARY KEY,
at       INTEGER NOT NULL,
address  TEXT NOT NULL,
ip       TEXT
);
CREATE INDEX auth_failures_address ON auth_failures(address, at);
CREATE INDEX auth_failures_ip ON auth_failures(ip, at);

CREATE TABLE lockouts (
kind   TEXT NOT NULL CHECK (kind IN ('mailbox','ip')),
key    TEXT NOT NULL,
until  INTEGER NOT NULL,
PRIMARY KEY (kind, key)
) WITHOUT ROWID;

-- Bumped by every change the running server must notice (blocks, deletions, purges
-- done by the CLI in another process); the server polls it.
CREATE TABLE control (
id       INTEGER PRIMARY KEY CHECK (id = 1),
counter  INTEGER NOT NULL
);
INSERT INTO control (id, counter) VALUES (1, 0);

CREATE TABLE purge_runs (
id         INTEGER PRIMARY KEY,
started_at INTEGER NOT NULL,
ended_at   INTEGER,
messages   INTEGER NOT NULL DEFAULT 0,
bytes      INTEGER NOT NULL DEFAULT 0,
blobs      INTEGER NOT NULL DEFAULT 0
);
`,
};
