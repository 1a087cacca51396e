/**
 * SEARCH BODY / TEXT on the full-text index (RFC 3501 §6.4.4): Russian and English
 * words by their Snowball stems, a word inside a longer word (the RFC's substring
 * rule; imaptest's `search-body` group), HTML parts by their text, exact substrings
 * for numbers and addresses, one index row per blob shared by copies, rows gone
 * when the blob is freed after EXPUNGE, and migration 10 indexing stored messages.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Database from 'better-sqlite3';
import { selectedInbox, startTestImap, type TestImap, type TranscriptClient } from '../../helpers/imap.js';
import { migrations } from '../../../src/store/migrations.js';
import { collectGarbage } from '../../../src/store/blobs.js';

let h: TestImap;
let c: TranscriptClient;

const text = (subject: string, body: string) =>
  `From: Пётр <petr@example.org>\r\nTo: b@example.org\r\nSubject: ${subject}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}\r\n`;
const html = (subject: string, body: string) =>
  `From: a@example.org\r\nSubject: ${subject}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n<html><body><p>${body}</p></body></html>\r\n`;

const ok = (tag: string, ...uids: number[]) => [uids.length ? `* SEARCH ${uids.join(' ')}` : '* SEARCH', `${tag} OK SEARCH completed`];

beforeAll(async () => {
  h = await startTestImap();
  const u = await h.provision();
  h.addMessage(u.mailboxId, 'INBOX', text('Уведомление', 'Срок уплаты налогов истекает 1 декабря. Счёт 40817810099910004312.')); // 1
  h.addMessage(u.mailboxId, 'INBOX', html('Письмо', 'Налоговое <b>уведомление</b> за 2025 год')); // 2
  h.addMessage(u.mailboxId, 'INBOX', text('Taxes', 'Running late with the tax returns; write to help@nalog.example.')); // 3
  h.addMessage(u.mailboxId, 'INBOX', text('asdfghjkl', 'zxcvbnm qwertyuiop')); // 4
  h.addMessage(u.mailboxId, 'INBOX', text('Ёлка', 'Новогодняя ёлка на площади')); // 5
  c = await selectedInbox(h, u);
});
afterAll(async () => {
  await c.close();
  await h.close();
});

describe('SEARCH BODY by stems (RFC 3501 §6.4.4 BODY, Snowball stemmers)', () => {
  it('«налоги» finds «налогов» and «налоговое» (in an HTML part)', async () => {
    expect(await c.cmd('a1 SEARCH BODY налоги')).toEqual(ok('a1', 1, 2));
    expect(await c.cmd('a2 SEARCH CHARSET UTF-8 BODY "НАЛОГОВЫЙ"')).toEqual(ok('a2', 1, 2));
  });
  it('English words by stem: "run" finds "Running", "taxes" finds "tax"', async () => {
    expect(await c.cmd('a3 SEARCH BODY run')).toEqual(ok('a3', 3));
    expect(await c.cmd('a4 SEARCH BODY taxes')).toEqual(ok('a4', 3));
  });
  it('every word of a several-word string must be present', async () => {
    expect(await c.cmd('a5 SEARCH BODY "налоговое уведомление"')).toEqual(ok('a5', 2));
    expect(await c.cmd('a6 SEARCH BODY "налоги ёлка"')).toEqual(ok('a6'));
  });
  it('part of a word matches (substring rule)', async () => {
    expect(await c.cmd('a7 SEARCH BODY xcvbn')).toEqual(ok('a7', 4));
    expect(await c.cmd('a8 SEARCH BODY wertyuio')).toEqual(ok('a8', 4));
    expect(await c.cmd('a9 SEARCH TEXT sdfghjk')).toEqual(ok('a9', 4));
  });
  it('ё and е are one letter', async () => {
    expect(await c.cmd('b1 SEARCH BODY елка')).toEqual(ok('b1', 5));
    expect(await c.cmd('b2 SEARCH TEXT ЁЛКИ')).toEqual(ok('b2', 5));
  });
  it('BODY does not look at headers; TEXT does', async () => {
    expect(await c.cmd('b3 SEARCH BODY петр')).toEqual(ok('b3'));
    expect(await c.cmd('b4 SEARCH TEXT петр')).toEqual(ok('b4', 1, 3, 4, 5));
  });
  it('numbers and addresses are exact substrings', async () => {
    expect(await c.cmd('b5 SEARCH BODY 0999100043')).toEqual(ok('b5', 1));
    expect(await c.cmd('b6 SEARCH BODY help@nalog')).toEqual(ok('b6', 3));
    expect(await c.cmd('b7 SEARCH TEXT petr@example.org')).toEqual(ok('b7', 1, 3, 4, 5));
    expect(await c.cmd('b8 SEARCH BODY 2026')).toEqual(ok('b8'));
  });
  it('combines with other keys', async () => {
    expect(await c.cmd('b9 SEARCH NOT BODY налог')).toEqual(ok('b9', 3, 4, 5));
    expect(await c.cmd('c1 SEARCH OR BODY ёлка BODY tax')).toEqual(ok('c1', 3, 5));
  });
});

describe('the index follows the blobs', () => {
  it('a copy shares its row; the row goes when the last copy is expunged and the blob freed', async () => {
    const rows = () => h.db.prepare('SELECT count(*) FROM blob_fts').pluck().get() as number;
    const before = rows();
    expect(await c.cmd('c2 COPY 1 INBOX')).toContainEqual(expect.stringMatching(/^c2 OK/));
    expect(rows()).toBe(before);
    expect(await c.cmd('c3 SEARCH BODY налоги')).toEqual(ok('c3', 1, 2, 6));
    await c.cmd('c4 STORE 1,6 +FLAGS.SILENT (\\Deleted)');
    await c.cmd('c5 EXPUNGE');
    expect(await c.cmd('c6 SEARCH BODY налоги')).toEqual(ok('c6', 1));
    while (collectGarbage(h.db).blobs > 0);
    expect(rows()).toBe(before - 1);
  });

  it('migration 10 indexes the messages stored before it', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE blob_search (blob_id INTEGER PRIMARY KEY, headers TEXT NOT NULL, body TEXT NOT NULL);
      CREATE TABLE mailboxes (id INTEGER PRIMARY KEY); CREATE TABLE folders (id INTEGER PRIMARY KEY, mailbox_id INTEGER);
      CREATE TABLE messages (id INTEGER PRIMARY KEY, folder_id INTEGER, size INTEGER);`);
    db.prepare('INSERT INTO blob_search VALUES (7, ?, ?)').run('subject: отчёт\n', 'налоговая декларация');
    const m = migrations.find((x) => x.version === 10)!;
    db.exec(m.sql);
    m.backfill!(db);
    expect(db.prepare("SELECT rowid FROM blob_fts WHERE blob_fts MATCH 'body : налогов'").pluck().all()).toEqual([7]);
    expect(db.prepare("SELECT rowid FROM blob_fts WHERE blob_fts MATCH 'head : отчет'").pluck().all()).toEqual([7]);
    db.close();
  });
});
