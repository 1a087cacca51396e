/**
 * SORT and THREAD transcripts: RFC 5256 §3 (sort keys, REVERSE, ties in mailbox
 * order, base subjects of §2.1), RFC 5957 (DISPLAYFROM / DISPLAYTO), RFC 5267 §3.1
 * (ESORT answers), RFC 5256 §3 THREAD=REFERENCES and THREAD=ORDEREDSUBJECT with §4
 * encoding. Several cases are the mailboxes of Dovecot's imaptest scripts
 * (sort-subject, sort-addresses, sort-display-from, sort-date, thread, thread-orderedsubject).
 * The commands and replies are in transcripts/sort-thread.imap.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { useImapSession } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';

const mail = (headers: Record<string, string>, body = 'x') =>
  Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('') + `\r\n${body}\r\n`;

/** APPEND with an internal date (a LITERAL+ literal, one write). */
async function append(folder: string, date: string, raw: string): Promise<void> {
  const r = await session.c.cmd(`ap APPEND ${folder} "${date}" {${Buffer.byteLength(raw)}+}\r\n${raw}`);
  expect(r[r.length - 1]).toMatch(/^ap OK/);
}

async function select(folder: string): Promise<void> {
  const r = await session.c.cmd(`s SELECT ${folder}`);
  expect(r[r.length - 1]).toMatch(/^s OK/);
}


/** The subjects and bodies of imaptest's sort-subject / thread-orderedsubject mailboxes. */
const X = 'x'.repeat(64);
const SUBJECT_MAILBOX: Array<[string | null, string]> = [
  ['a', '1'],
  ['C', '2'],
  ['b', '3'],
  ['_', '4'],
  ['[foo] Fwd: [bar] Re: fw: b (fWd)  (fwd)', '55'],
  ['b (a)', '66'],
  ['Re: [FWD: c]', '77'],
  ['[xyz]', '88'],
  [null, '9'],
  ['=?iso-8859-1?q?_?=', '10'],
  ['Re: =?utf-8?q?b?=', `11\r\n${X}`],
  ['=?iso-8859-1?q?RE:_C?=', `12\r\n${X}\r\n${X}`],
  ['=?us-ascii?b?UmU6IGM=?=', `13\r\n\r\nThe subject is 'Re: c'.\r\n${X}\r\n${X}\r\n${X}`],
  ['Ad: Re: Ad: Re: Ad: x', '14'],
  ['re: [fwd: [fwd: re: [fwd: babylon]]]', '15'],
];

const t = transcripts(import.meta.url, 'sort-thread');
const session = useImapSession({ once: true });
beforeAll(async () => {
  for (const f of ['Subjects', 'Addresses', 'Display', 'Dates', 'Refs', 'Ordered', 'Cyr']) expect((await session.c.cmd(`c CREATE ${f}`)).pop()).toMatch(/^c OK/);
});

describe('CAPABILITY', () => {
  it('lists SORT, SORT=DISPLAY, ESORT and both THREAD algorithms after login', async () => {
    const caps = (await session.c.cmd('k CAPABILITY'))[0]!;
    for (const cap of ['SORT', 'SORT=DISPLAY', 'ESORT', 'THREAD=REFERENCES', 'THREAD=ORDEREDSUBJECT']) expect(caps.split(' ')).toContain(cap);
  });
});

describe('SORT (RFC 5256 §3)', () => {
  it('SUBJECT sorts by the base subject of §2.1, case-folded; REVERSE; a second key breaks ties', async () => {
    // the mailbox of imaptest's sort-subject
    for (const [s, body] of SUBJECT_MAILBOX) await append('Subjects', '22-Feb-2008 23:00:00 +0200', mail(s === null ? {} : { Subject: s }, body));
    await select('Subjects');
    await t(session.c, 'SUBJECT sorts by the base subject of §2.1, case-folded; REVERSE; a second key breaks ties');
  });

  it('FROM / TO / CC sort by the mailbox of the first address (a group by its name), ties in mailbox order', async () => {
    await append('Addresses', '22-Feb-2008 00:06:23 +0000', mail({ From: 'user2@domain2.org', To: 'foo bar <user2@domain2.org>', Cc: 'user2@domain2.org (foo bar)' }));
    await append('Addresses', '22-Feb-2008 01:06:23 +0000', mail({ From: 'user2@domain1.org', To: 'user2@domain1.org', Cc: 'user2: blah@domain1.org;' }));
    await append('Addresses', '22-Feb-2008 02:06:23 +0000', mail({ From: 'user1@domain1.org', To: 'user1@domain1.org', Cc: 'user1@domain1.org' }));
    await select('Addresses');
    await t(session.c, 'FROM / TO / CC sort by the mailbox of the first address (a group by its name), ties in mailbox order');
  });

  it('DISPLAYFROM / DISPLAYTO (RFC 5957): decoded display name, else the addr-spec; a group by its name', async () => {
    const froms = ['foo bar <a@b.c>', 'b@session.c.d', 'd', '=?iso-8859-1?q?foo_aar?= <e@f.g>', '=?iso-8859-1?q?foo_car?= <f@g.h>', 'a: xx@xx.org, yy@yy.org;'];
    for (const f of froms) await append('Display', '22-Feb-2008 23:00:00 +0200', mail({ From: f, To: f }));
    await select('Display');
    await t(session.c, 'DISPLAYFROM / DISPLAYTO (RFC 5957): decoded display name, else the addr-spec; a group by its name');
  });

  it('DATE is the Date: header in UTC, else the internal date; ARRIVAL the internal date; SIZE', async () => {
    const rows: Array<[string, string | null]> = [
      ['22-Feb-2008 23:00:00 +0200', 'Fri, 22 Feb 2008 00:00:00 +0200'],
      ['22-Feb-2008 22:00:00 +0200', 'Fri, 22 Feb 2008 02:00:00 +0200'],
      ['22-Feb-2008 21:00:00 +0200', 'Fri, 22 Feb 2008 01:00:00 +0200'],
      ['22-Feb-2008 20:00:00 +0200', 'Thu, 21 Feb 2008 21:00:00 -0300'],
      ['22-Feb-2008 01:30:23 +0200', null],
    ];
    for (const [i, [internal, date]] of rows.entries()) await append('Dates', internal, mail(date ? { Date: date } : {}, 'z'.repeat(10 - i)));
    await select('Dates');
    await t(session.c, 'DATE is the Date: header in UTC, else the internal date; ARRIVAL the internal date; SIZE');
  });

  it('ESORT (RFC 5267 §3.1): RETURN (MIN MAX COUNT ALL) in sort order, UID too', async () => {
    await select('Dates');
    await t(session.c, 'ESORT (RFC 5267 §3.1): RETURN (MIN MAX COUNT ALL) in sort order, UID too');
  });

  it('Cyrillic base subjects sort without regard to case', async () => {
    for (const s of ['Re: яблоко', 'Банан', 'Fwd: АПЕЛЬСИН', 're: [список] ВИШНЯ']) await append('Cyr', '01-Mar-2026 10:00:00 +0300', mail({ Subject: `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=` }));
    await select('Cyr');
    await t(session.c, 'Cyrillic base subjects sort without regard to case');
  });

  it('a message that arrives after a SORT is sorted in by the next one; an expunged one is gone', async () => {
    await select('Dates');
    await t(session.c, 'a message that arrives after a SORT is sorted in by the next one; an expunged one is gone');
    await append('Dates', '22-Feb-2008 00:00:00 +0000', mail({ Date: 'Thu, 21 Feb 2008 00:00:00 +0000' }));
    await t(session.c, 'a message that arrives after a SORT is sorted in by the next one; an expunged one is gone: after the new message');
  });

  it('refuses bad criteria with BAD and an unknown charset with NO [BADCHARSET]', async () => {
    await select('Dates');
    await t(session.c, 'refuses bad criteria with BAD and an unknown charset with NO [BADCHARSET]');
  });
});

describe('THREAD (RFC 5256 §3, §4)', () => {
  it('REFERENCES: links by References, a loop is not made, an expunged parent becomes a dummy', async () => {
    // imaptest's thread mailbox: <b> references <a> <c>, <c> references <b>
    await append('Refs', '22-Feb-2008 17:06:23 +0000', mail({ 'Message-ID': '<a@b>' }));
    await append('Refs', '22-Feb-2008 15:06:23 +0000', mail({ 'Message-Id': '<b@b>', References: '<a@b> <c@b>' }));
    await append('Refs', '22-Feb-2008 16:06:25 +0000', mail({ 'Message-Id': '<c@b>', References: '<b@b>' }));
    await select('Refs');
    await t(session.c, 'REFERENCES: links by References, a loop is not made, an expunged parent becomes a dummy');
  });

  it('REFERENCES: siblings by date under their parent, In-Reply-To when there are no References, roots gathered by base subject', async () => {
    await t(session.c, 'REFERENCES: siblings by date under their parent, In-Reply-To when there are no References, roots gathered by base subject: the folder');
    const m = (id: string, date: string, extra: Record<string, string>) => mail({ 'Message-ID': id, Date: date, ...extra });
    await append('Tree', '01-Mar-2026 10:00:00 +0000', m('<root@x>', 'Sun, 1 Mar 2026 10:00:00 +0000', { Subject: 'plan' }));
    await append('Tree', '01-Mar-2026 10:00:00 +0000', m('<r2@x>', 'Sun, 1 Mar 2026 12:00:00 +0000', { Subject: 'Re: plan', References: '<root@x>' }));
    await append('Tree', '01-Mar-2026 10:00:00 +0000', m('<r1@x>', 'Sun, 1 Mar 2026 11:00:00 +0000', { Subject: 'Re: plan', 'In-Reply-To': '<root@x>' }));
    await append('Tree', '01-Mar-2026 10:00:00 +0000', m('<r11@x>', 'Sun, 1 Mar 2026 13:00:00 +0000', { Subject: 'Re: plan', References: '<root@x> <r1@x>' }));
    // no references, but the same base subject as a root: becomes a child of the non-reply root
    await append('Tree', '01-Mar-2026 10:00:00 +0000', m('<lost@x>', 'Sun, 1 Mar 2026 14:00:00 +0000', { Subject: 'RE: Plan' }));
    await append('Tree', '01-Mar-2026 10:00:00 +0000', m('<other@x>', 'Sat, 28 Feb 2026 09:00:00 +0000', { Subject: 'other' }));
    // references a message the folder does not have: two replies under a dummy
    await append('Tree', '01-Mar-2026 10:00:00 +0000', m('<d1@x>', 'Sun, 1 Mar 2026 15:00:00 +0000', { Subject: 'Re: gone', References: '<missing@x>' }));
    await append('Tree', '01-Mar-2026 10:00:00 +0000', m('<d2@x>', 'Sun, 1 Mar 2026 16:00:00 +0000', { Subject: 'Re: gone', References: '<missing@x>' }));
    await select('Tree');
    await t(session.c, 'REFERENCES: siblings by date under their parent, In-Reply-To when there are no References, roots gathered by base subject');
  });

  it('ORDEREDSUBJECT: one thread per base subject, its messages as siblings under the first', async () => {
    // imaptest's thread-orderedsubject mailbox
    for (const [s, body] of SUBJECT_MAILBOX) await append('Ordered', '22-Feb-2008 23:00:00 +0200', mail(s === null ? {} : { Subject: s }, body));
    await select('Ordered');
    await t(session.c, 'ORDEREDSUBJECT: one thread per base subject, its messages as siblings under the first');
  });
});
