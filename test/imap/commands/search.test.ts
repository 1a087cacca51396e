/**
 * SEARCH / UID SEARCH — RFC 3501 §6.4.4, §6.4.8: flags, sets, NOT / OR / groups, text
 * keys (case-insensitive, in decoded encoded words and bodies), dates and sizes;
 * CHARSET other than UTF-8 / US-ASCII is NO [BADCHARSET]; RFC 7162 §3.1.5 MODSEQ.
 * SENTBEFORE / SENTON / SENTSINCE use "the message's Date: header (disregarding time
 * and timezone)": the calendar date as the sender wrote it, in the sender's own zone —
 * a message dated `Sun, 25 Mar 2007 23:30:00 +0300` (20:30 UTC) and one dated
 * `Mon, 26 Mar 2007 01:30:00 +0300` (22:30 UTC on the 25th) are on the 25th and the
 * 26th. TO / CC find a message by an address group's name (RFC 5322 §3.4) as well as by
 * its members. (Both found by Dovecot's imaptest: `search-date`, `search-addresses`.)
 * Databases from before are filled in by migrations 3 (the sent day) and 6 (the group
 * names in the search text). The commands and replies are in transcripts/search.imap.
 */
import { describe, it, expect } from 'vitest';
import Database from 'better-sqlite3';
import { FLAG_SEEN, FLAG_FLAGGED, FLAG_DELETED } from '../../../src/store/flags.js';
import { expectNeedsLogin, useImapSession } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';
import { GROUP_MESSAGES } from '../../helpers/imap-messages.js';
import { migrations } from '../../../src/store/migrations.js';


const msg = (o: { from: string; to: string; subject: string; date: string; body: string; extra?: string; ct?: string }) =>
  `From: ${o.from}\r\nTo: ${o.to}\r\nSubject: ${o.subject}\r\nDate: ${o.date}\r\n${o.extra ?? ''}Content-Type: ${o.ct ?? 'text/plain; charset=utf-8'}\r\n\r\n${o.body}\r\n`;

const inbox = useImapSession({
  once: true,
  select: 'INBOX',
  messages: [
    // 1: Cyrillic subject in an encoded word, base64 body
    {
      raw: `From: =?UTF-8?B?0J3QsNC70L7Qs9C+0LLQsNGP?= <nalog@example.ru>\r\nTo: ivan@example.org\r\nSubject: =?UTF-8?B?0J3QsNC70L7Qs9C+0LLQvtC1INGD0LLQtdC00L7QvNC70LXQvdC40LU=?=\r\nDate: Mon, 05 Jan 2026 10:00:00 +0300\r\nX-Priority: 1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from('Сумма к уплате: 1000 рублей').toString('base64')}\r\n`,
      flags: FLAG_SEEN,
    },
    // 2
    { raw: msg({ from: 'Anna <anna@example.org>', to: 'ivan@example.org', subject: 'Lunch', date: 'Tue, 10 Feb 2026 12:00:00 +0000', body: 'Pizza at noon?' }), flags: FLAG_FLAGGED },
    // 3
    { raw: msg({ from: 'boss@example.ru', to: 'team@example.org', subject: 'Report', date: 'Wed, 11 Feb 2026 09:00:00 +0000', body: 'x'.repeat(3000), extra: 'Cc: anna@example.org\r\n' }), flags: FLAG_DELETED },
  ],
});

const dated = (date: string, subject: string) => `From: a@example.org\r\nTo: b@example.org\r\nSubject: ${subject}\r\nDate: ${date}\r\n\r\nx\r\n`;

const t = transcripts(import.meta.url, 'search');

describe('SEARCH', () => {
  it('flags, sequence sets, uids, NOT, OR, groups', () => t(inbox.c, 'flags, sequence sets, uids, NOT, OR, groups (RFC 3501 §6.4.4, §6.4.8)'));

  it('text keys: case-insensitive, Cyrillic in encoded words, decoded bodies', () => t(inbox.c, 'text keys: case-insensitive, Cyrillic in encoded words, decoded bodies (RFC 3501 §6.4.4)'));

  it('dates and sizes', () => t(inbox.c, 'dates and sizes (RFC 3501 §6.4.4)'));

  it('MODSEQ (RFC 7162 §3.1.5)', () => t(inbox.c, 'MODSEQ (RFC 7162 §3.1.5)'));

  it('errors', () => t(inbox.c, 'errors (RFC 3501 §6.4.4)'));
});

describe('RFC 3501 §6.4.4 SENT* use the Date: header\'s own calendar day', () => {
  const s = useImapSession({
    once: true,
    select: 'INBOX',
    messages: [
      dated('Sun, 25 Mar 2007 23:30:00 +0300', 'late evening in Moscow'),
      dated('Mon, 26 Mar 2007 01:30:00 +0300', 'night in Moscow'),
      dated('Sat, 24 Mar 2007 22:00:00 -0500', 'evening in New York'),
      dated('25 Mar 07 12:00 GMT', 'two-digit year, no weekday'),
      'Subject: no date\r\n\r\nx\r\n',
    ],
  });

  it('SENTON, SENTBEFORE, SENTSINCE', () => t(s.c, 'RFC 3501 §6.4.4 SENTON, SENTBEFORE, SENTSINCE'));

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

describe('RFC 5322 §3.4 groups', () => {
  const s = useImapSession({ once: true, select: 'INBOX', messages: GROUP_MESSAGES });

  it('SEARCH TO finds the group name and its members', () => t(s.c, 'RFC 5322 §3.4 SEARCH TO finds the group name and its members'));

  it('migration 6 puts group names into the search text of stored messages', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, parsed TEXT); CREATE TABLE blob_search (blob_id INTEGER PRIMARY KEY, from_text TEXT, to_text TEXT, cc_text TEXT, bcc_text TEXT)');
    const env = {
      from: [{ name: null, adl: null, mailbox: 'a', host: 'b.test' }],
      to: [
        { name: null, adl: null, mailbox: 'groupname', host: null },
        { name: null, adl: null, mailbox: 'c', host: 'd.test' },
        { name: null, adl: null, mailbox: null, host: null },
      ],
      cc: null,
      bcc: null,
    };
    db.prepare('INSERT INTO blobs VALUES (1, ?), (2, ?)').run(JSON.stringify({ envelope: env }), JSON.stringify({ envelope: { ...env, to: null } }));
    db.exec("INSERT INTO blob_search VALUES (1, 'a@b.test', 'c@d.test', '', ''), (2, 'a@b.test', '', '', '')");
    const m = migrations.find((x) => x.version === 6)!;
    db.exec(m.sql);
    m.backfill!(db);
    expect(db.prepare('SELECT blob_id, to_text FROM blob_search ORDER BY blob_id').all()).toEqual([
      { blob_id: 1, to_text: 'groupname: c@d.test;' },
      { blob_id: 2, to_text: '' },
    ]);
    db.close();
  });

  it('the wrong state is BAD', async () => {
    await t(s.c, 'the wrong state is BAD (RFC 3501 §6.4.4)');
    await expectNeedsLogin(s.h, ['SEARCH ALL']);
  });
});
