/**
 * SENTBEFORE / SENTON / SENTSINCE — RFC 3501 §6.4.4: "the message's Date: header
 * (disregarding time and timezone)" is within the date: the calendar date as the
 * sender wrote it, in the sender's own zone. A message dated
 * `Sun, 25 Mar 2007 23:30:00 +0300` (20:30 UTC) and one dated
 * `Mon, 26 Mar 2007 01:30:00 +0300` (22:30 UTC on the 25th) are on the 25th and
 * the 26th. (Found by Dovecot's imaptest: the `search-date` group.) Databases from
 * before the column are filled in from the stored headers (migration 3).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Database from 'better-sqlite3';
import { selectedInbox, startTestImap, type TestImap, type TranscriptClient } from '../../helpers/imap.js';
import { migrations } from '../../../src/store/migrations.js';

let h: TestImap;
let c: TranscriptClient;

const dated = (date: string, subject: string) => `From: a@example.org\r\nTo: b@example.org\r\nSubject: ${subject}\r\nDate: ${date}\r\n\r\nx\r\n`;

beforeAll(async () => {
  h = await startTestImap();
  const u = await h.provision();
  h.addMessage(u.mailboxId, 'INBOX', dated('Sun, 25 Mar 2007 23:30:00 +0300', 'late evening in Moscow'));
  h.addMessage(u.mailboxId, 'INBOX', dated('Mon, 26 Mar 2007 01:30:00 +0300', 'night in Moscow'));
  h.addMessage(u.mailboxId, 'INBOX', dated('Sat, 24 Mar 2007 22:00:00 -0500', 'evening in New York'));
  h.addMessage(u.mailboxId, 'INBOX', dated('25 Mar 07 12:00 GMT', 'two-digit year, no weekday'));
  h.addMessage(u.mailboxId, 'INBOX', 'Subject: no date\r\n\r\nx\r\n');
  c = await selectedInbox(h, u);
});
afterAll(async () => {
  await c.close();
  await h.close();
});

describe('RFC 3501 §6.4.4 SENT* use the Date: header\'s own calendar day', () => {
  it('SENTON, SENTBEFORE, SENTSINCE', async () => {
    expect(await c.cmd('a1 SEARCH SENTON 25-mar-2007')).toEqual(['* SEARCH 1 4', 'a1 OK SEARCH completed']);
    expect(await c.cmd('a2 SEARCH SENTON 26-Mar-2007')).toEqual(['* SEARCH 2', 'a2 OK SEARCH completed']);
    expect(await c.cmd('a3 SEARCH SENTON 24-Mar-2007')).toEqual(['* SEARCH 3', 'a3 OK SEARCH completed']);
    expect(await c.cmd('a4 SEARCH SENTBEFORE 25-Mar-2007')).toEqual(['* SEARCH 3', 'a4 OK SEARCH completed']);
    expect(await c.cmd('a5 SEARCH SENTSINCE 26-Mar-2007')).toEqual(['* SEARCH 2', 'a5 OK SEARCH completed']);
    expect(await c.cmd('a6 SEARCH NOT SENTON 25-Mar-2007')).toEqual(['* SEARCH 2 3 5', 'a6 OK SEARCH completed']);
  });

  it('migration 3 fills the day in from stored headers', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE blob_search (blob_id INTEGER PRIMARY KEY, headers TEXT NOT NULL)');
    db.prepare('INSERT INTO blob_search VALUES (1, ?), (2, ?)').run('subject: x\ndate: sun, 25 mar 2007 23:30:00 +0300\n', 'subject: none\n');
    const m = migrations.find((x) => x.version === 3)!;
    db.exec(m.sql);
    m.backfill!(db);
    expect(db.prepare('SELECT blob_id, sent_day FROM blob_search ORDER BY blob_id').all()).toEqual([
      { blob_id: 1, sent_day: Date.UTC(2007, 2, 25) },
      { blob_id: 2, sent_day: null },
    ]);
    db.close();
  });
});
