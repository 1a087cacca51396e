/**
 * APPEND — RFC 3501 §6.3.11 and §2.3.3: INTERNALDATE keeps the zone the APPEND's
 * date-time gave it (FETCH INTERNALDATE shows the same instant in that zone, COPY
 * keeps it), and a message appended with bare LF line ends is stored with CRLF, so
 * that RFC822.SIZE, the length of BODY[] and the BODYSTRUCTURE sizes and line
 * counts agree (as Dovecot does). (Found by Dovecot's imaptest: `append`, `fetch`.)
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestImap, type TestImap, type TranscriptClient } from '../../helpers/imap.js';
import { getFolder } from '../../../src/store/folders.js';
import { getMessage } from '../../../src/store/messages.js';
import { readBlob } from '../../../src/store/blobs.js';

let h: TestImap;
let c: TranscriptClient;
let user: { address: string; password: string; mailboxId: number };

beforeEach(async () => {
  h = await startTestImap();
  user = await h.provision();
  c = await h.connect();
  await c.login(user.address, user.password);
});
afterEach(async () => {
  await c.close();
  await h.close();
});

describe('RFC 3501 §6.3.11 APPEND date-time zone', () => {
  it('FETCH INTERNALDATE answers in the zone given; COPY keeps it', async () => {
    const msg = 'Subject: zone\r\n\r\nx\r\n';
    c.write(`a1 APPEND INBOX "05-Mar-2007 23:30:00 +0300" {${msg.length}+}\r\n${msg}\r\n`);
    expect((await c.until('a1')).at(-1)).toMatch(/^a1 OK /);
    c.write(`a2 APPEND INBOX " 7-Jan-2007 01:02:03 -0830" {${msg.length}+}\r\n${msg}\r\n`);
    expect((await c.until('a2')).at(-1)).toMatch(/^a2 OK /);
    await c.cmd('a3 SELECT INBOX');
    expect(await c.cmd('a4 FETCH 1:2 INTERNALDATE')).toEqual([
      '* 1 FETCH (INTERNALDATE "05-Mar-2007 23:30:00 +0300")',
      '* 2 FETCH (INTERNALDATE "07-Jan-2007 01:02:03 -0830")',
      'a4 OK FETCH completed',
    ]);
    expect((await c.cmd('a5 COPY 1 Drafts')).at(-1)).toMatch(/^a5 OK /);
    await c.cmd('a6 SELECT Drafts');
    expect(await c.cmd('a7 FETCH 1 INTERNALDATE')).toEqual(['* 1 FETCH (INTERNALDATE "05-Mar-2007 23:30:00 +0300")', 'a7 OK FETCH completed']);
    // the same instant for SEARCH: 20:30 UTC on the 5th
    expect(getMessage(h.db, getFolder(h.db, user.mailboxId, 'INBOX')!.id, 1)!.internalDate).toBe(Date.UTC(2007, 2, 5, 20, 30));
  });
});

describe('RFC 3501 §2.3.3 a bare-LF message is stored with CRLF', () => {
  it('RFC822.SIZE, BODY[] and BODYSTRUCTURE agree', async () => {
    const lf = 'From: a@example.org\nSubject: lf\nContent-Type: text/plain\n\nline one\nline two\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    c.write(`a1 APPEND INBOX {${lf.length}+}\r\n${lf}\r\n`);
    expect((await c.until('a1')).at(-1)).toMatch(/^a1 OK /);
    await c.cmd('a2 SELECT INBOX');
    expect(await c.cmd('a3 FETCH 1 (RFC822.SIZE BODYSTRUCTURE)')).toEqual([
      `* 1 FETCH (RFC822.SIZE ${crlf.length} BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 20 2 NIL NIL NIL NIL))`,
      'a3 OK FETCH completed',
    ]);
    expect(await c.cmd('a4 FETCH 1 BODY.PEEK[]')).toEqual([`* 1 FETCH (BODY[] {${crlf.length}}`, ...crlf.split('\r\n').slice(0, -1), ')', 'a4 OK FETCH completed']);
    const row = getMessage(h.db, getFolder(h.db, user.mailboxId, 'INBOX')!.id, 1)!;
    expect(readBlob(h.db, row.blobId).toString()).toBe(crlf);
  });
});
