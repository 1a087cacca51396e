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
 * names in the search text).
 */
import { describe, it, expect } from 'vitest';
import Database from 'better-sqlite3';
import { FLAG_SEEN, FLAG_FLAGGED, FLAG_DELETED } from '../../../src/store/flags.js';
import { expectNeedsLogin, expectReplies, useImapSession } from '../../helpers/imap-session.js';
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

const search = async (q: string) => (await inbox.c.cmd(`t ${q}`))[0];

describe('SEARCH', () => {
  it('flags, sequence sets, uids, NOT, OR, groups', async () => {
    expect(await search('SEARCH ALL')).toBe('* SEARCH 1 2 3');
    expect(await search('SEARCH SEEN')).toBe('* SEARCH 1');
    expect(await search('SEARCH UNSEEN')).toBe('* SEARCH 2 3');
    expect(await search('SEARCH FLAGGED')).toBe('* SEARCH 2');
    expect(await search('SEARCH DELETED')).toBe('* SEARCH 3');
    expect(await search('SEARCH UNDELETED UNSEEN')).toBe('* SEARCH 2');
    expect(await search('SEARCH NOT SEEN')).toBe('* SEARCH 2 3');
    expect(await search('SEARCH OR SEEN FLAGGED')).toBe('* SEARCH 1 2');
    expect(await search('SEARCH (OR SEEN DELETED) NOT 1')).toBe('* SEARCH 3');
    expect(await search('SEARCH 2:*')).toBe('* SEARCH 2 3');
    expect(await search('SEARCH 7')).toBe('* SEARCH');
    expect(await search('UID SEARCH UID 2:3')).toBe('* SEARCH 2 3');
    expect(await search('SEARCH RECENT')).toBe('* SEARCH 1 2 3');
    expect(await search('SEARCH NEW')).toBe('* SEARCH 2 3');
    expect(await search('SEARCH OLD')).toBe('* SEARCH');
    expect(await search('SEARCH UNKEYWORD $x')).toBe('* SEARCH 1 2 3');
    expect(await search('SEARCH KEYWORD $x')).toBe('* SEARCH');
  });

  it('text keys: case-insensitive, Cyrillic in encoded words, decoded bodies', async () => {
    expect(await search('SEARCH SUBJECT "налог"')).toBe('* SEARCH 1');
    expect(await search('SEARCH CHARSET UTF-8 SUBJECT "НАЛОГОВОЕ"')).toBe('* SEARCH 1');
    expect(await search('SEARCH FROM "налоговая"')).toBe('* SEARCH 1');
    expect(await search('SEARCH BODY "уплате"')).toBe('* SEARCH 1');
    expect(await search('SEARCH TEXT pizza')).toBe('* SEARCH 2');
    expect(await search('SEARCH FROM anna')).toBe('* SEARCH 2');
    expect(await search('SEARCH CC anna')).toBe('* SEARCH 3');
    expect(await search('SEARCH TO team')).toBe('* SEARCH 3');
    expect(await search('SEARCH HEADER X-Priority 1')).toBe('* SEARCH 1');
    expect(await search('SEARCH HEADER X-Priority ""')).toBe('* SEARCH 1');
    expect(await search('SEARCH SUBJECT lunch')).toBe('* SEARCH 2');
  });

  it('dates and sizes', async () => {
    expect(await search('SEARCH SENTBEFORE 1-Feb-2026')).toBe('* SEARCH 1');
    expect(await search('SEARCH SENTON 10-Feb-2026')).toBe('* SEARCH 2');
    expect(await search('SEARCH SENTSINCE 11-Feb-2026')).toBe('* SEARCH 3');
    expect(await search('SEARCH SINCE 1-Jan-2020')).toBe('* SEARCH 1 2 3');
    expect(await search('SEARCH BEFORE 1-Jan-2020')).toBe('* SEARCH');
    expect(await search('SEARCH LARGER 1000')).toBe('* SEARCH 3');
    expect(await search('SEARCH SMALLER 1000')).toBe('* SEARCH 1 2');
  });

  it('MODSEQ (RFC 7162 §3.1.5)', async () => {
    const r = await search('SEARCH MODSEQ 1');
    expect(r).toMatch(/^\* SEARCH 1 2 3 \(MODSEQ \d+\)$/);
  });

  it('errors', async () => {
    expect(await inbox.c.cmd('e1 SEARCH CHARSET KOI8-R SUBJECT x')).toEqual(['e1 NO [BADCHARSET (UTF-8 US-ASCII)] Charset KOI8-R is not supported']);
    expect(await inbox.c.cmd('e2 SEARCH BOGUS')).toEqual(['e2 BAD SEARCH: unknown search key "BOGUS"']);
    expect(await inbox.c.cmd('e3 SEARCH SINCE yesterday')).toEqual(['e3 BAD Invalid date, expected d-Mon-yyyy']);
    expect(await inbox.c.cmd('e4 SEARCH')).toEqual(['e4 BAD SEARCH: missing search criteria']);
    expect(await inbox.c.cmd('e5 SEARCH OR SEEN')).toEqual(['e5 BAD SEARCH: missing search key']);
  });
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

  it('SENTON, SENTBEFORE, SENTSINCE', async () => {
    expect(await s.c.cmd('a1 SEARCH SENTON 25-mar-2007')).toEqual(['* SEARCH 1 4', 'a1 OK SEARCH completed']);
    expect(await s.c.cmd('a2 SEARCH SENTON 26-Mar-2007')).toEqual(['* SEARCH 2', 'a2 OK SEARCH completed']);
    expect(await s.c.cmd('a3 SEARCH SENTON 24-Mar-2007')).toEqual(['* SEARCH 3', 'a3 OK SEARCH completed']);
    expect(await s.c.cmd('a4 SEARCH SENTBEFORE 25-Mar-2007')).toEqual(['* SEARCH 3', 'a4 OK SEARCH completed']);
    expect(await s.c.cmd('a5 SEARCH SENTSINCE 26-Mar-2007')).toEqual(['* SEARCH 2', 'a5 OK SEARCH completed']);
    expect(await s.c.cmd('a6 SEARCH NOT SENTON 25-Mar-2007')).toEqual(['* SEARCH 2 3 5', 'a6 OK SEARCH completed']);
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

describe('RFC 5322 §3.4 groups', () => {
  const s = useImapSession({ once: true, select: 'INBOX', messages: GROUP_MESSAGES });

  it('SEARCH TO finds the group name and its members', async () => {
    expect(await s.c.cmd('a1 SEARCH TO groupname')).toEqual(['* SEARCH 1 2', 'a1 OK SEARCH completed']);
    expect(await s.c.cmd('a2 SEARCH TO groupname2')).toEqual(['* SEARCH 1', 'a2 OK SEARCH completed']);
    expect(await s.c.cmd('a3 SEARCH TO groupuser3')).toEqual(['* SEARCH 1', 'a3 OK SEARCH completed']);
    expect(await s.c.cmd('a4 SEARCH TO plain')).toEqual(['* SEARCH 3', 'a4 OK SEARCH completed']);
  });

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
    await expectReplies(s.c, [
      ['b0 UNSELECT', ['b0 OK UNSELECT completed']],
      ['b1 SEARCH ALL', ['b1 BAD SEARCH: select a folder first']],
      ['b2 UID SEARCH ALL', ['b2 BAD SEARCH: select a folder first']],
    ]);
    await expectNeedsLogin(s.h, ['SEARCH ALL']);
  });
});
