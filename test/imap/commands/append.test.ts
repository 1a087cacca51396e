/**
 * APPEND — RFC 3501 §6.3.11: flags and date-time stored, a synchronizing literal gets
 * a continuation (LITERAL+, RFC 7888, does not), [APPENDUID] of RFC 4315 §3, EXISTS
 * first when the target is selected; refusals: a missing folder NO [TRYCREATE],
 * attachments over the rule and a literal over the limit NO [TOOBIG] (RFC 7889),
 * no literal BAD. INTERNALDATE keeps the zone the APPEND's date-time gave it (FETCH
 * INTERNALDATE shows the same instant in that zone, COPY keeps it), and a message
 * appended with bare LF line ends is stored with CRLF (RFC 3501 §2.3.3), so that
 * RFC822.SIZE, the length of BODY[] and the BODYSTRUCTURE sizes and line counts agree
 * (as Dovecot does; found by Dovecot's imaptest: `append`, `fetch`). The bounds on
 * literals in flight are in test/imap/session/append-spool.test.ts and
 * append-memory.test.ts.
 */
import { describe, it, expect } from 'vitest';
import { sampleMessage } from '../../helpers/imap.js';
import { expectReplies, useImapSession } from '../../helpers/imap-session.js';
import { getFolder } from '../../../src/store/folders.js';
import { getMessage } from '../../../src/store/messages.js';
import { readBlob } from '../../../src/store/blobs.js';

describe('APPEND', () => {
  const s = useImapSession({ config: { imap: { maxLiteralBytes: 200_000 }, limits: { attachmentBytes: 1000 } } });

  it('stores with flags and date; answers APPENDUID; sync literal gets a continuation', async () => {
    const msg = 'Subject: hi\r\n\r\nhello\r\n';
    s.c.send(`a1 APPEND Drafts (\\Seen \\Draft $Label) "17-Jul-1996 02:44:25 -0700" {${msg.length}}`);
    expect(await s.c.line()).toBe('+ Ready for literal data');
    s.c.write(msg + '\r\n');
    expect(await s.c.until('a1')).toEqual([`a1 OK [APPENDUID ${s.uidvalidity('Drafts')} 1] APPEND completed`]);
    const row = getMessage(s.h.db, getFolder(s.h.db, s.user.mailboxId, 'Drafts')!.id, 1)!;
    expect(row.internalDate).toBe(Date.UTC(1996, 6, 17, 9, 44, 25));
    expect(Date.now() - row.storedAt).toBeLessThan(60_000);
    await s.c.cmd('a2 SELECT Drafts');
    expect(await s.c.cmd('a3 FETCH 1 (FLAGS INTERNALDATE BODY.PEEK[])')).toEqual([
      '* 1 FETCH (FLAGS (\\Seen \\Draft $Label \\Recent) INTERNALDATE "17-Jul-1996 02:44:25 -0700" BODY[] {22}',
      'Subject: hi',
      '',
      'hello',
      ')',
      'a3 OK FETCH completed',
    ]);
  });

  it('into the selected folder reports EXISTS first (LITERAL+)', async () => {
    await s.c.cmd('a1 SELECT INBOX');
    const msg = sampleMessage('x');
    const n = Buffer.byteLength(msg);
    s.c.write(`a2 APPEND INBOX {${n}+}\r\n${msg}\r\n`);
    expect(await s.c.until('a2')).toEqual(['* 1 EXISTS', '* 1 RECENT', `a2 OK [APPENDUID ${s.uidvalidity('INBOX')} 1] APPEND completed`]);
  });

  it('refusals: missing folder TRYCREATE, attachments over the rule TOOBIG, literal over the limit TOOBIG, bad syntax', async () => {
    const msg = 'Subject: x\r\n\r\nx\r\n';
    s.c.write(`a1 APPEND Nowhere {${msg.length}+}\r\n${msg}\r\n`);
    expect(await s.c.until('a1')).toEqual(['a1 NO [TRYCREATE] Folder "Nowhere" does not exist']);
    const att = [
      'Subject: big',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'see attached',
      '--b',
      'Content-Type: application/octet-stream',
      'Content-Disposition: attachment; filename=a.bin',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.alloc(2000, 7).toString('base64'),
      '--b--',
      '',
    ].join('\r\n');
    s.c.write(`a2 APPEND INBOX {${att.length}+}\r\n${att}\r\n`);
    expect(await s.c.until('a2')).toEqual(['a2 NO [TOOBIG] Message refused: attachments total 2000 bytes, over the limit of 1000 bytes per message']);
    s.c.send('a3 APPEND INBOX {300000}');
    expect(await s.c.line()).toMatch(/^a3 NO \[TOOBIG\]/);
    await expectReplies(s.c, [
      ['a4 APPEND INBOX (\\Seen)', ['a4 BAD APPEND: the message must be a literal']],
      ['a5 NOOP', ['a5 OK NOOP completed']],
    ]);
  });
});

describe('RFC 3501 §6.3.11 APPEND date-time zone', () => {
  const s = useImapSession();

  it('FETCH INTERNALDATE answers in the zone given; COPY keeps it', async () => {
    const msg = 'Subject: zone\r\n\r\nx\r\n';
    s.c.write(`a1 APPEND INBOX "05-Mar-2007 23:30:00 +0300" {${msg.length}+}\r\n${msg}\r\n`);
    expect((await s.c.until('a1')).at(-1)).toMatch(/^a1 OK /);
    s.c.write(`a2 APPEND INBOX " 7-Jan-2007 01:02:03 -0830" {${msg.length}+}\r\n${msg}\r\n`);
    expect((await s.c.until('a2')).at(-1)).toMatch(/^a2 OK /);
    await s.c.cmd('a3 SELECT INBOX');
    expect(await s.c.cmd('a4 FETCH 1:2 INTERNALDATE')).toEqual([
      '* 1 FETCH (INTERNALDATE "05-Mar-2007 23:30:00 +0300")',
      '* 2 FETCH (INTERNALDATE "07-Jan-2007 01:02:03 -0830")',
      'a4 OK FETCH completed',
    ]);
    expect((await s.c.cmd('a5 COPY 1 Drafts')).at(-1)).toMatch(/^a5 OK /);
    await s.c.cmd('a6 SELECT Drafts');
    expect(await s.c.cmd('a7 FETCH 1 INTERNALDATE')).toEqual(['* 1 FETCH (INTERNALDATE "05-Mar-2007 23:30:00 +0300")', 'a7 OK FETCH completed']);
    // the same instant for SEARCH: 20:30 UTC on the 5th
    expect(getMessage(s.h.db, getFolder(s.h.db, s.user.mailboxId, 'INBOX')!.id, 1)!.internalDate).toBe(Date.UTC(2007, 2, 5, 20, 30));
  });
});

describe('RFC 3501 §2.3.3 a bare-LF message is stored with CRLF', () => {
  const s = useImapSession();

  it('RFC822.SIZE, BODY[] and BODYSTRUCTURE agree', async () => {
    const lf = 'From: a@example.org\nSubject: lf\nContent-Type: text/plain\n\nline one\nline two\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    s.c.write(`a1 APPEND INBOX {${lf.length}+}\r\n${lf}\r\n`);
    expect((await s.c.until('a1')).at(-1)).toMatch(/^a1 OK /);
    await s.c.cmd('a2 SELECT INBOX');
    await expectReplies(s.c, [
      ['a3 FETCH 1 (RFC822.SIZE BODYSTRUCTURE)', [
        `* 1 FETCH (RFC822.SIZE ${crlf.length} BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 20 2 NIL NIL NIL NIL))`,
        'a3 OK FETCH completed',
      ]],
      ['a4 FETCH 1 BODY.PEEK[]', [`* 1 FETCH (BODY[] {${crlf.length}}`, ...crlf.split('\r\n').slice(0, -1), ')', 'a4 OK FETCH completed']],
    ]);
    const row = getMessage(s.h.db, getFolder(s.h.db, s.user.mailboxId, 'INBOX')!.id, 1)!;
    expect(readBlob(s.h.db, row.blobId).toString()).toBe(crlf);
  });
});

describe('APPEND in the wrong state', () => {
  const s = useImapSession({ login: false });

  it('before login APPEND is BAD', async () => {
    const c = await s.h.connect();
    await expectReplies(c, [
      ['a1 APPEND INBOX {1+}\r\nx', ['a1 BAD APPEND: authenticate first']],
      ['a2 NOOP', ['a2 OK NOOP completed']],
    ]);
    await c.close();
  });
});
