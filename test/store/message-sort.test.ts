/**
 * message_sort (migration 17, store/message-sort.ts): a database at version 16 with
 * mail migrates (rows for every message, Message-IDs and subjects interned), the
 * triggers keep it in step with messages through APPEND, COPY, MOVE, EXPUNGE, flag
 * changes and the retention purge, and the names of freed mail go with it; and SORT / THREAD read from it give what the
 * reference implementations give over the per-blob columns (RFC 5256 §3).
 */
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { describe, it, expect, afterEach } from 'vitest';
import { setup, type Fixture } from './helpers.js';
import { openDb } from '../../src/store/db.js';
import { putBlob, collectGarbage } from '../../src/store/blobs.js';
import { appendMessages, copyMessages, moveMessages, expungeMessages, storeFlags, purgeStoredBefore } from '../../src/store/messages.js';
import { sortColumns, threadColumns, type SortColumn } from '../../src/store/sort.js';
import { threadRows } from '../../src/store/message-sort.js';
import { termsContaining } from '../../src/store/fts.js';
import { parseMessage } from '../../src/mime/parse.js';
import { FLAG_SEEN, FLAG_FLAGGED } from '../../src/store/flags.js';
import { sortedUids } from '../../src/imap/sort/index-sort.js';
import { sortUids, type SortCriterion } from '../../src/imap/sort/order.js';
import { UidIndex } from '../../src/imap/sort/uid-index.js';
import { threadReferences, threadOrderedSubject, encodeThreads } from '../../src/imap/sort/thread.js';

let f: Fixture;
afterEach(() => {
  f?.db.close();
  f?.close();
});

const SUBJECTS = ['Re: отчёт', 'отчёт', 'Fwd: [team] plan', 'plan', 'Налоги', ''];
const NAMES = ['Пётр', 'anna', 'Борис', 'anna'];

function raw(i: number): Buffer {
  const refs = i % 4 ? `References: <m${i - (i % 4)}@example.org>${i % 4 > 1 ? ` <m${i - 1}@example.org>` : ''}\r\n` : '';
  const name = Buffer.from(NAMES[i % NAMES.length]!).toString('base64');
  return Buffer.from(
    `From: =?UTF-8?B?${name}?= <u${i % 5}@example.org>\r\nTo: t${i % 3}@example.org\r\nSubject: ${SUBJECTS[i % SUBJECTS.length]}\r\n` +
      `Date: Mon, 2 Mar 2026 10:${String(i % 7).padStart(2, '0')}:00 +0300\r\nMessage-ID: <m${i}@example.org>\r\n${refs}\r\nbody ${i}\r\n`,
  );
}

function add(folderId: number, i: number): void {
  const buf = raw(i);
  const blobId = putBlob(f.db, buf, parseMessage(buf), 1);
  appendMessages(f.db, folderId, [{ blobId, size: 100 + (i % 3) }]);
}

/** message_sort as the triggers should have it: derived from messages and blob_sort. */
function expectInStep(): void {
  const derived = f.db
    .prepare(
      `SELECT m.folder_id, m.uid, coalesce(k.sent_date, m.internal_date) AS date, m.internal_date AS arrival, m.size,
              coalesce(k.subject_key, '') AS subject_key, coalesce(k.from_key, '') AS from_key, coalesce(k.to_key, '') AS to_key,
              coalesce(k.cc_key, '') AS cc_key, coalesce(k.display_from_key, '') AS display_from_key,
              coalesce(k.display_to_key, '') AS display_to_key, coalesce(k.reply, 0) AS reply, coalesce(k.message_ref, 0) AS message_ref,
              coalesce(k.subject_ref, 0) AS subject_ref, coalesce(k.parent_refs, '') AS parent_refs
         FROM messages m LEFT JOIN blob_sort k ON k.blob_id = m.blob_id ORDER BY m.folder_id, m.uid`,
    )
    .all();
  expect(f.db.prepare('SELECT * FROM message_sort ORDER BY folder_id, uid').all()).toEqual(derived);
}

/** The interned names read back: every blob's refs name its Message-ID, subject and parents. */
function expectNamesMatch(): void {
  const name = f.db.prepare<[number], string>('SELECT name FROM thread_names WHERE id = ?').pluck();
  const rows = f.db.prepare('SELECT message_id, subject_key, parents, message_ref, subject_ref, parent_refs FROM blob_sort').all() as Array<Record<string, string | number>>;
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    expect(r.message_ref ? name.get(r.message_ref as number) : '').toBe(r.message_id);
    expect(r.subject_ref ? name.get(r.subject_ref as number) : '').toBe(r.subject_key);
    const parents = (r.parent_refs as string) ? (r.parent_refs as string).split(' ').map((n) => name.get(Number(n))) : [];
    expect(parents.join(' ')).toBe(r.parents);
  }
  // each name counts its uses, and only names in use are kept
  const uses = new Map<number, number>();
  for (const r of rows)
    for (const id of [r.message_ref, r.subject_ref, ...String(r.parent_refs).split(' ')].map(Number).filter((n) => n > 0)) uses.set(id, (uses.get(id) ?? 0) + 1);
  const table = f.db.prepare('SELECT id, uses FROM thread_names ORDER BY id').raw().all() as Array<[number, number]>;
  expect(table).toEqual([...uses].sort((a, b) => a[0] - b[0]));
}

/** Back to version 16: what migration 17 made is dropped. */
function downgradeTo16(): void {
  f.db.exec(`
    DROP TRIGGER message_sort_insert; DROP TRIGGER message_sort_delete; DROP TRIGGER message_sort_update; DROP TRIGGER message_sort_keys;
    CREATE INDEX send_events_mailbox ON send_events(mailbox_id, at); DROP INDEX send_events_recipients;
    DROP TABLE message_sort; DROP TABLE thread_names; DROP TRIGGER fts_terms_trigram_insert; DROP TABLE fts_terms_trigram;
    ALTER TABLE blob_sort DROP COLUMN message_ref; ALTER TABLE blob_sort DROP COLUMN subject_ref; ALTER TABLE blob_sort DROP COLUMN parent_refs;
    PRAGMA user_version = 16;`);
}

describe('message_sort (migration 17)', () => {
  it('a version 16 database with mail migrates: a row per message, names interned', () => {
    f = setup();
    const inbox = f.folder('INBOX');
    const archive = f.folder('Archive');
    for (let i = 0; i < 12; i++) add(i % 3 ? inbox : archive, i);
    downgradeTo16();
    f.db.close();
    f.db = openDb(f.dir);
    expect(f.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(f.db.prepare('SELECT count(*) FROM message_sort').pluck().get()).toBe(12);
    expectInStep();
    expectNamesMatch();
    // the known terms, also by trigrams, and kept so at ingest
    const terms = () => f.db.prepare('SELECT term FROM fts_terms ORDER BY term').pluck().all();
    const trigrams = () => f.db.prepare('SELECT term FROM fts_terms_trigram ORDER BY term').pluck().all();
    expect(trigrams()).toEqual(terms());
    add(inbox, 99);
    expect(trigrams()).toEqual(terms());
    expect(termsContaining(f.db, '99').sort()).toEqual(['99', 'm99']);
    expect(termsContaining(f.db, 'example')).toEqual(['example']);
  });

  it('triggers keep it in step: APPEND, COPY, MOVE, EXPUNGE, flags, purge', () => {
    f = setup();
    const inbox = f.folder('INBOX');
    const archive = f.folder('Archive');
    for (let i = 0; i < 8; i++) add(inbox, i);
    expectInStep();
    copyMessages(f.db, inbox, [1, 2, 3], archive);
    expectInStep();
    moveMessages(f.db, inbox, [4, 5], archive);
    expectInStep();
    expungeMessages(f.db, inbox, [1, 6]);
    expectInStep();
    const before = f.db.prepare('SELECT * FROM message_sort ORDER BY folder_id, uid').all();
    storeFlags(f.db, { folderId: archive, uids: [1, 2, 3, 4, 5], mode: 'add', flags: FLAG_SEEN | FLAG_FLAGGED, keywords: ['$K'] });
    expect(f.db.prepare('SELECT * FROM message_sort ORDER BY folder_id, uid').all()).toEqual(before);
    expect(f.db.prepare("SELECT uses FROM thread_names WHERE name = '<m3@example.org>'").pluck().get()).toBe(1);
    f.db.prepare('UPDATE messages SET stored_at = 0 WHERE folder_id = ?').run(archive);
    purgeStoredBefore(f.db, 1, 100);
    expectInStep();
    expect(f.db.prepare('SELECT count(*) FROM message_sort WHERE folder_id = ?').pluck().get(archive)).toBe(0);
    while (collectGarbage(f.db).blobs > 0);
    expectInStep();
    expectNamesMatch();
    // the names of the freed mail are gone with it
    expect(f.db.prepare("SELECT count(*) FROM thread_names WHERE name = '<m3@example.org>'").pluck().get()).toBe(0);
  });

  it('SORT from the indexes orders as the reference sort over the blob columns', () => {
    f = setup();
    const inbox = f.folder('INBOX');
    for (let i = 0; i < 60; i++) add(inbox, i);
    expungeMessages(f.db, inbox, [3, 17, 40]);
    const keys: SortColumn[] = ['arrival', 'cc', 'date', 'from', 'size', 'subject', 'to', 'displayfrom', 'displayto'];
    const some = Array.from({ length: 60 }, (_, i) => i + 1).filter((u) => u % 7 !== 2);
    const lists: SortCriterion[][] = [];
    for (const key of keys) for (const reverse of [false, true]) lists.push([{ key, reverse }]);
    for (const [a, b] of [['from', 'date'], ['subject', 'size'], ['size', 'displayfrom'], ['to', 'cc']] as Array<[SortColumn, SortColumn]>)
      for (let m = 0; m < 4; m++) lists.push([{ key: a, reverse: (m & 1) === 1 }, { key: b, reverse: (m & 2) === 2 }]);
    lists.push([{ key: 'size', reverse: true }, { key: 'from', reverse: false }, { key: 'date', reverse: true }]);
    for (const criteria of lists) {
      const cols = sortColumns(f.db, inbox, criteria.map((c) => c.key));
      for (const only of [cols.uids, some]) {
        const want = sortUids({ uids: cols.uids, values: cols.values, criteria, only: new Set(only) });
        expect(sortedUids(f.db, inbox, criteria, new UidIndex(only)), JSON.stringify(criteria)).toEqual(want);
      }
    }
  });

  it('migration 19: only DATE and ARRIVAL keep a key index, and SORT by another key still reads message_sort', () => {
    f = setup();
    const names = f.db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'message_sort' ORDER BY name").pluck().all();
    expect(names.filter((n) => !n.startsWith('sqlite_autoindex'))).toEqual(['message_sort_arrival', 'message_sort_date', 'message_sort_thread']);
    const inbox = f.folder('INBOX');
    for (let i = 0; i < 12; i++) add(inbox, i);
    const bySubject = () => sortedUids(f.db, inbox, [{ key: 'subject', reverse: false }], new UidIndex(Array.from({ length: 12 }, (_, i) => i + 1)));
    expect(bySubject().slice(0, 2)).toEqual([6, 12]); // the empty subjects first
    // the rows a SORT by subject orders are message_sort's: a row changed there changes the answer
    f.db.prepare("UPDATE message_sort SET subject_key = '' WHERE folder_id = ? AND uid = 1").run(inbox);
    expect(bySubject().slice(0, 3)).toEqual([1, 6, 12]);
  });

  it('THREAD over the interned rows threads as over the strings', () => {
    f = setup();
    const inbox = f.folder('INBOX');
    for (let i = 0; i < 40; i++) add(inbox, i);
    expungeMessages(f.db, inbox, [5, 12]);
    const ints = threadRows(f.db, inbox);
    const strings = threadColumns(f.db, inbox);
    expect(ints.uids).toEqual(strings.uids);
    const members = ints.uids.map((_, i) => i).filter((i) => i % 5 !== 1);
    const num = (i: number) => ints.uids[i]!;
    for (const algo of [threadReferences, threadOrderedSubject]) {
      expect(encodeThreads(algo({ ...ints, members }), num)).toBe(encodeThreads(algo({ ...strings, members }), num));
    }
    expect(encodeThreads(threadReferences({ ...ints, members }), num)).toMatch(/^\(/);
  });
});
