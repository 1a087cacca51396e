/**
 * OBJECTID — RFC 8474: MAILBOXID in SELECT/EXAMINE, in the OK of CREATE (§4.1) and
 * as a STATUS item (§4.2), kept across RENAME; EMAILID and THREADID FETCH items
 * (§5.1, §5.2) — a copy keeps its EMAILID, a reply shares the THREADID of the
 * message it answers; SEARCH EMAILID / THREADID (§6).
 */
import { describe, it, expect } from 'vitest';
import { useImapSession } from '../../helpers/imap-session.js';

/** A server, one mailbox and a session of it logged in, fresh for each test. */
const s = useImapSession();

function code(lines: string[], name: string): string {
  for (const l of lines) {
    const m = new RegExp(`\\[${name} \\(([A-Za-z0-9_-]+)\\)\\]`).exec(l);
    if (m) return m[1]!;
  }
  throw new Error(`no ${name} in ${lines.join(' | ')}`);
}

const original = 'Message-ID: <root@example.org>\r\nSubject: plan\r\n\r\nfirst\r\n';
const reply = 'Message-ID: <r1@example.org>\r\nIn-Reply-To: <root@example.org>\r\nReferences: <root@example.org>\r\nSubject: Re: plan\r\n\r\nsecond\r\n';
const other = 'Message-ID: <other@example.org>\r\nSubject: else\r\n\r\nthird\r\n';

describe('RFC 8474 §4 MAILBOXID', () => {
  it('CREATE names it; SELECT and STATUS give the same; RENAME keeps it; another folder has another', async () => {
    const created = code(await s.c.cmd('c1 CREATE Projects'), 'MAILBOXID');
    expect(code(await s.c.cmd('s1 SELECT Projects'), 'MAILBOXID')).toBe(created);
    expect(await s.c.cmd('t1 STATUS Projects (MAILBOXID)')).toEqual([`* STATUS Projects (MAILBOXID (${created}))`, 't1 OK STATUS completed']);
    await s.c.cmd('u1 UNSELECT');
    expect((await s.c.cmd('r1 RENAME Projects Archive/Projects')).at(-1)).toMatch(/^r1 OK /);
    expect(code(await s.c.cmd('s2 EXAMINE Archive/Projects'), 'MAILBOXID')).toBe(created);
    expect(code(await s.c.cmd('s3 SELECT INBOX'), 'MAILBOXID')).not.toBe(created);
  });

  it('a folder deleted and created again under the same name gets a new id', async () => {
    const first = code(await s.c.cmd('c1 CREATE Tmp'), 'MAILBOXID');
    await s.c.cmd('d1 DELETE Tmp');
    expect(code(await s.c.cmd('c2 CREATE Tmp'), 'MAILBOXID')).not.toBe(first);
  });
});

describe('RFC 8474 §5 EMAILID, THREADID; §6 SEARCH', () => {
  it('a copy keeps the EMAILID; a reply shares the THREADID; SEARCH finds both by id', async () => {
    s.h.addMessage(s.user.mailboxId, 'INBOX', original);
    s.h.addMessage(s.user.mailboxId, 'INBOX', reply);
    s.h.addMessage(s.user.mailboxId, 'INBOX', other);
    await s.c.cmd('s1 SELECT INBOX');
    const r = await s.c.cmd('f1 FETCH 1:3 (EMAILID THREADID)');
    const ids = r.slice(0, 3).map((l) => /EMAILID \(([\w-]+)\) THREADID \(([\w-]+)\)/.exec(l)!.slice(1, 3));
    const [[e1, t1], [e2, t2], [e3, t3]] = ids as [[string, string], [string, string], [string, string]];
    expect(new Set([e1, e2, e3]).size).toBe(3);
    expect(t2).toBe(t1);
    expect(t3).not.toBe(t1);

    expect((await s.c.cmd('c1 COPY 1 Drafts')).at(-1)).toMatch(/^c1 OK /);
    await s.c.cmd('s2 SELECT Drafts');
    expect(await s.c.cmd('f2 FETCH 1 (EMAILID THREADID)')).toEqual([`* 1 FETCH (EMAILID (${e1}) THREADID (${t1}))`, 'f2 OK FETCH completed']);

    await s.c.cmd('s3 SELECT INBOX');
    expect(await s.c.cmd(`x1 SEARCH THREADID ${t1}`)).toEqual(['* SEARCH 1 2', 'x1 OK SEARCH completed']);
    expect(await s.c.cmd(`x2 UID SEARCH EMAILID ${e3}`)).toEqual(['* SEARCH 3', 'x2 OK UID SEARCH completed']);
    expect(await s.c.cmd('x3 SEARCH EMAILID M999999')).toEqual(['* SEARCH', 'x3 OK SEARCH completed']);
    expect((await s.c.cmd('x4 SEARCH EMAILID "a b"')).at(-1)).toMatch(/^x4 BAD /);
  });
});
