/**
 * MULTIAPPEND — RFC 3502 §6.3.11: several messages in one APPEND are stored
 * together or not at all, and the OK's APPENDUID (RFC 4315 §3) names all their
 * uids; UTF8=ACCEPT's `UTF8 (literal)` message data (RFC 6855 §4). (imaptest:
 * `multiappend`.)
 */
import { describe, it, expect } from 'vitest';
import { useImapSession } from '../../helpers/imap-session.js';
import { getFolder } from '../../../src/store/folders.js';
import { listUids } from '../../../src/store/messages.js';
import { parseMessage } from '../../../src/mime/parse.js';
import { Writer } from '../../../src/store/deliver.js';

/** A server, one mailbox and a session of it logged in, fresh for each test. */
const s = useImapSession();

const m1 = 'Subject: one\r\n\r\nbody1\r\n';
const m2 = 'Subject: two\r\n\r\nbody2\r\n';

function inbox(): number[] {
  return listUids(s.h.db, getFolder(s.h.db, s.user.mailboxId, 'INBOX')!.id);
}

describe('RFC 3502 §6.3.11 MULTIAPPEND', () => {
  it('two messages with their own flags and dates; APPENDUID names both; a selecting session sees both', async () => {
    await s.c.cmd('s1 SELECT INBOX');
    s.c.write(`a1 APPEND INBOX (\\Seen) "05-Mar-2007 23:30:00 +0300" {${m1.length}+}\r\n${m1} (\\Flagged) {${m2.length}+}\r\n${m2}\r\n`);
    const r = await s.c.until('a1');
    const v = getFolder(s.h.db, s.user.mailboxId, 'INBOX')!.uidvalidity;
    expect(r).toEqual(['* 2 EXISTS', '* 2 RECENT', `a1 OK [APPENDUID ${v} 1:2] APPEND completed`]);
    expect(await s.c.cmd('f1 FETCH 1:2 (FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT)])')).toEqual([
      '* 1 FETCH (FLAGS (\\Seen \\Recent) INTERNALDATE "05-Mar-2007 23:30:00 +0300" BODY[HEADER.FIELDS (SUBJECT)] {16}',
      'Subject: one',
      '',
      ')',
      expect.stringMatching(/^\* 2 FETCH \(FLAGS \(\\Flagged \\Recent\) INTERNALDATE "[^"]+" BODY\[HEADER.FIELDS \(SUBJECT\)\] \{16\}$/),
      'Subject: two',
      '',
      ')',
      'f1 OK FETCH completed',
    ]);
  });

  it('a refused message stores none of the others', async () => {
    s.c.write(`a1 APPEND INBOX {${m1.length}+}\r\n${m1} {0+}\r\n\r\n`);
    expect((await s.c.until('a1')).at(-1)).toBe('a1 NO [CANNOT] Empty message');
    s.c.write(`a2 APPEND INBOX {${m1.length}+}\r\n${m1} (\\Bogus) {${m2.length}+}\r\n${m2}\r\n`);
    expect((await s.c.until('a2')).at(-1)).toMatch(/^a2 BAD /);
    expect(inbox()).toEqual([]);
  });

  it('the writer stores a batch in one savepoint: a failing message rolls back the ones before it', async () => {
    const inboxId = getFolder(s.h.db, s.user.mailboxId, 'INBOX')!.id;
    const raw = Buffer.from(m1);
    const ok = { raw, parsed: parseMessage(raw), targets: [{ folderId: inboxId }] };
    const bad = { raw, parsed: parseMessage(raw), targets: [{ folderId: 999_999 }] };
    const writer = new Writer(s.h.db, s.h.bus);
    await expect(writer.deliverAll([ok, bad])).rejects.toThrow();
    expect(inbox()).toEqual([]);
    const res = await writer.deliverAll([ok, ok]);
    expect(res.map((r) => r.targets[0]!.uid)).toEqual([1, 2]);
    expect(inbox()).toEqual([1, 2]);
  });
});

describe('RFC 6855 §4 APPEND UTF8 (literal)', () => {
  it('is BAD before ENABLE UTF8=ACCEPT and stored after it', async () => {
    const msg = 'Subject: Привет\r\n\r\nтекст\r\n';
    const n = Buffer.byteLength(msg);
    s.c.write(`a1 APPEND INBOX UTF8 (~{${n}+}\r\n${msg})\r\n`);
    expect((await s.c.until('a1')).at(-1)).toMatch(/^a1 BAD .*UTF8=ACCEPT/);
    expect(await s.c.cmd('e1 ENABLE UTF8=ACCEPT')).toEqual(['* ENABLED UTF8=ACCEPT', 'e1 OK ENABLE completed']);
    s.c.write(`a2 APPEND INBOX (\\Seen) UTF8 (~{${n}+}\r\n${msg})\r\n`);
    expect((await s.c.until('a2')).at(-1)).toMatch(/^a2 OK \[APPENDUID \d+ 1\] /);
    expect(inbox()).toEqual([1]);
  });
});
