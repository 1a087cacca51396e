/**
 * FETCH / UID FETCH — RFC 3501 §6.4.5, §6.4.8, §7.4.2: items and macros, ENVELOPE
 * (address groups per §7.4.2: a start marker with NIL host and the group name as
 * mailbox name, the members, an end marker of all NIL) and BODYSTRUCTURE, every section
 * form and partial, \Seen set by a non-PEEK body fetch (not in a read-only folder),
 * errors; RFC 7162 §3.1.4 CHANGEDSINCE and MODSEQ, §3.2.6 VANISHED only with QRESYNC.
 */
import { describe, it, expect } from 'vitest';
import { FLAG_SEEN } from '../../../src/store/flags.js';
import { expectReplies, useImapSession } from '../../helpers/imap-session.js';
import { GROUP_MESSAGES } from '../../helpers/imap-messages.js';

const MULTI = [
  'From: Anna <anna@example.org>',
  'To: boris@example.org',
  'Subject: parts',
  'Date: Sun, 22 Nov 2026 10:00:00 +0000',
  'Message-ID: <parts@example.org>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'Hello part one',
  '--b1',
  'Content-Type: application/octet-stream; name="x.bin"',
  'Content-Transfer-Encoding: base64',
  '',
  'AAECAw==',
  '--b1--',
  '',
].join('\r\n');

// uid 1: MULTI; uid 2: seen
const inbox = useImapSession({ once: true, select: 'INBOX', messages: [MULTI, { raw: 'Subject: two\r\n\r\nsecond\r\n', flags: FLAG_SEEN }] });

describe('FETCH', () => {
  it('simple items, macros, UID FETCH adds UID', async () => {
    expect(await inbox.c.cmd('a1 FETCH 2 (FLAGS RFC822.SIZE UID)')).toEqual(['* 2 FETCH (UID 2 FLAGS (\\Seen \\Recent) RFC822.SIZE 24)', 'a1 OK FETCH completed']);
    const r = await inbox.c.cmd('a2 UID FETCH 2 FAST');
    expect(r[0]).toMatch(/^\* 2 FETCH \(UID 2 FLAGS \(\\Seen \\Recent\) INTERNALDATE "\d\d-\w{3}-\d{4} \d\d:\d\d:\d\d \+0000" RFC822\.SIZE 24\)$/);
    expect(r[1]).toBe('a2 OK UID FETCH completed');
  });

  it('ENVELOPE and BODYSTRUCTURE', async () => {
    await expectReplies(inbox.c, [
      ['a3 FETCH 1 (ENVELOPE BODYSTRUCTURE)', [
        '* 1 FETCH (ENVELOPE ("Sun, 22 Nov 2026 10:00:00 +0000" "parts" (("Anna" NIL "anna" "example.org")) (("Anna" NIL "anna" "example.org")) (("Anna" NIL "anna" "example.org")) ((NIL NIL "boris" "example.org")) NIL NIL NIL "<parts@example.org>") ' +
          'BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 14 1 NIL NIL NIL NIL)("APPLICATION" "OCTET-STREAM" ("NAME" "x.bin") NIL NIL "BASE64" 8 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "b1") NIL NIL NIL))',
        'a3 OK FETCH completed',
      ]],
      ['a4 FETCH 1 BODY', [
        '* 1 FETCH (BODY (("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 14 1)("APPLICATION" "OCTET-STREAM" ("NAME" "x.bin") NIL NIL "BASE64" 8) "MIXED"))',
        'a4 OK FETCH completed',
      ]],
    ]);
  });

  it('every section form and partials, PEEK leaves \\Seen alone', async () => {
    expect(await inbox.c.cmd('a5 FETCH 1 (BODY.PEEK[1] BODY.PEEK[2] BODY.PEEK[2.MIME] BODY.PEEK[HEADER.FIELDS (subject To)] BODY.PEEK[]<0.4> BODY.PEEK[9] BODY.PEEK[1]<100>)')).toEqual([
      '* 1 FETCH (BODY[1] {14}',
      'Hello part one BODY[2] {8}',
      'AAECAw== BODY[2.MIME] {91}',
      'Content-Type: application/octet-stream; name="x.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      ' BODY[HEADER.FIELDS (SUBJECT TO)] {41}',
      'To: boris@example.org',
      'Subject: parts',
      '',
      ' BODY[]<0> {4}',
      'From BODY[9] {0}',
      ' BODY[1]<100> {0}',
      ')',
      'a5 OK FETCH completed',
    ]);
    const hdr = await inbox.c.cmd('a6 FETCH 1 (BODY.PEEK[HEADER.FIELDS.NOT (From To Date Message-ID MIME-Version Content-Type)] RFC822.HEADER)');
    expect(hdr.slice(0, 4)).toEqual(['* 1 FETCH (BODY[HEADER.FIELDS.NOT (FROM TO DATE MESSAGE-ID MIME-VERSION CONTENT-TYPE)] {18}', 'Subject: parts', '', ' RFC822.HEADER {209}']);
    expect(await inbox.c.cmd('a7 FETCH 1 FLAGS')).toEqual(['* 1 FETCH (FLAGS (\\Recent))', 'a7 OK FETCH completed']);
  });

  it('a non-PEEK body fetch sets \\Seen and reports FLAGS in the same response', async () => {
    expect(await inbox.c.cmd('a8 FETCH 1 BODY[TEXT]<0.6>')).toEqual(['* 1 FETCH (FLAGS (\\Seen \\Recent) BODY[TEXT]<0> {6}', '--b1', ')', 'a8 OK FETCH completed']);
    // already \Seen: no FLAGS added
    const r = await inbox.c.cmd('a9 FETCH 1 RFC822.TEXT');
    expect(r[0]).toBe('* 1 FETCH (RFC822.TEXT {183}');
    expect(r.slice(-3)).toEqual(['--b1--', ')', 'a9 OK FETCH completed']);
  });

  it('errors: syntax → BAD with a reason, out-of-range sequence → BAD, unknown uid → nothing', async () => {
    await expectReplies(inbox.c, [
      ['b1 FETCH 1 (BOGUS)', ['b1 BAD FETCH: unknown data item "BOGUS"']],
      ['b2 FETCH 1 BODY[MIME]', ['b2 BAD Section MIME needs a part number']],
      ['b3 FETCH 9 FLAGS', ['b3 BAD Invalid sequence number 9 (the folder has 2 messages)']],
      ['b4 UID FETCH 99 FLAGS', ['b4 OK UID FETCH completed']],
      ['b5 FETCH x FLAGS', ['b5 BAD Invalid sequence set "x"']],
      ['b6 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)', ['b6 BAD VANISHED needs ENABLE QRESYNC first']],
    ]);
  });

  it('CHANGEDSINCE and MODSEQ (RFC 7162)', async () => {
    const all = await inbox.c.cmd('c1 FETCH 1:* (MODSEQ)');
    const fetched = all.filter((l) => /^\* \d+ FETCH /.test(l));
    const ms = fetched.map((l) => Number(/MODSEQ \((\d+)\)/.exec(l)![1]));
    expect(ms).toHaveLength(2);
    const top = Math.max(...ms);
    // RFC 7162 §3.1: the first CONDSTORE-enabling command on a selected folder reports HIGHESTMODSEQ
    expect(all).toContain(`* OK [HIGHESTMODSEQ ${top}] Highest`);
    const r = await inbox.c.cmd(`c2 UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${top - 1})`);
    expect(r).toEqual([`* 1 FETCH (UID 1 FLAGS (\\Seen \\Recent) MODSEQ (${top}))`, 'c2 OK UID FETCH completed']);
  });

  it('in a folder opened with EXAMINE a body fetch does not set \\Seen', async () => {
    const d = await inbox.h.connect();
    await d.login(inbox.user.address, inbox.user.password);
    await d.cmd('e1 EXAMINE INBOX');
    inbox.h.addMessage(inbox.user.mailboxId, 'INBOX', 'Subject: three\r\n\r\nthird\r\n');
    await d.cmd('e2 NOOP');
    expect(await d.cmd('e3 FETCH 3 (BODY[TEXT] FLAGS)')).toEqual(['* 3 FETCH (FLAGS () BODY[TEXT] {7}', 'third', ')', 'e3 OK FETCH completed']);
    await d.close();
  });

  it('a partial of a large message is streamed and byte-exact across chunk boundaries', async () => {
    const body = Array.from({ length: 50_000 }, (_, i) => `line ${String(i).padStart(6, '0')}`).join('\r\n') + '\r\n';
    const raw = `Subject: big\r\n\r\n${body}`;
    const uid = inbox.h.addMessage(inbox.user.mailboxId, 'INBOX', raw);
    await inbox.c.cmd('p0 NOOP');
    const start = 200_001;
    const len = 400_000;
    const r = await inbox.c.cmd(`p1 UID FETCH ${uid} (BODY.PEEK[]<${start}.${len}>)`);
    expect(r[0]).toMatch(new RegExp(`^\\* \\d+ FETCH \\(UID ${uid} BODY\\[\\]<${start}> \\{${len}\\}$`));
    // the literal's lines, rejoined, then the ")" that follows it on the literal's last line
    const got = r.slice(1, -1).join('\r\n');
    expect(got).toBe(raw.slice(start, start + len) + ')');
    const t = await inbox.c.cmd(`p2 UID FETCH ${uid} (BODY.PEEK[TEXT]<${body.length - 5}.100>)`);
    expect(t.slice(0, 3)).toEqual([`* 4 FETCH (UID ${uid} BODY[TEXT]<${body.length - 5}> {5}`, '999', ')']);
  });
});

describe('RFC 5322 §3.4 groups', () => {
  const s = useImapSession({ once: true, select: 'INBOX', messages: GROUP_MESSAGES });

  it('ENVELOPE: start marker (NIL NIL "groupname" NIL), members, end marker (NIL NIL NIL NIL) — RFC 3501 §7.4.2', async () => {
    const r = await s.c.cmd('a5 FETCH 1:2 ENVELOPE');
    expect(r[0]).toContain(
      '((NIL NIL "groupname" NIL)(NIL NIL "groupuser1" "domain.org")(NIL NIL "groupuser2" "domain.org")(NIL NIL NIL NIL)' +
        '(NIL NIL "groupname2" NIL)(NIL NIL "groupuser3" "domain.org")(NIL NIL NIL NIL))',
    );
    expect(r[1]).toContain('((NIL NIL "groupname" NIL)(NIL NIL NIL NIL))');
    expect(r[2]).toBe('a5 OK FETCH completed');
  });

  it('the wrong state is BAD', async () => {
    await expectReplies(s.c, [
      ['b0 UNSELECT', ['b0 OK UNSELECT completed']],
      ['b1 FETCH 1 FLAGS', ['b1 BAD FETCH: select a folder first']],
      ['b2 UID FETCH 1 FLAGS', ['b2 BAD FETCH: select a folder first']],
    ]);
  });
});
