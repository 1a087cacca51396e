/**
 * IMAP4rev2 (RFC 9051) beside IMAP4rev1: both are advertised (§6.1.1); after
 * `ENABLE IMAP4rev2` (§6.3.1) there is no \Recent and no RECENT response (§2.3.2,
 * Appendix E), SEARCH answers with ESEARCH (§6.4.4, §7.3.4, RFC 4731 §3.1), a
 * hierarchy level that holds no messages is \NonExistent (§6.3.9), mailbox names
 * are UTF-8 (§5.1, as after ENABLE UTF8=ACCEPT: RFC 6855 §3); STATUS SIZE (RFC 8438
 * §3) and DELETED (§6.3.11). A session that does not enable it keeps IMAP4rev1.
 */
import { describe, it, expect, beforeEach } from 'vitest';
import { sampleMessage } from '../../helpers/imap.js';
import { useImapSession } from '../../helpers/imap-session.js';
import { FLAG_DELETED } from '../../../src/store/flags.js';

/** A server, one mailbox and a session of it logged in, fresh for each test. */
const s = useImapSession();

async function rev2(): Promise<void> {
  expect(await s.c.cmd('e1 ENABLE IMAP4rev2')).toEqual(['* ENABLED IMAP4rev2', 'e1 OK ENABLE completed']);
}

describe('RFC 9051 §6.1.1, §6.3.1 capabilities and ENABLE', () => {
  it('lists IMAP4rev1 and IMAP4rev2 and the extensions; ENABLE IMAP4rev2 answers once', async () => {
    const caps = (await s.c.cmd('c1 CAPABILITY'))[0]!.split(' ');
    for (const cap of ['IMAP4rev1', 'IMAP4rev2', 'LITERAL+', 'BINARY', 'MULTIAPPEND', 'UTF8=ACCEPT', 'STATUS=SIZE', 'OBJECTID']) expect(caps).toContain(cap);
    await rev2();
    expect(await s.c.cmd('e2 ENABLE IMAP4REV2')).toEqual(['* ENABLED', 'e2 OK ENABLE completed']);
  });
});

describe('RFC 9051 §2.3.2, Appendix E: no \\Recent', () => {
  it('SELECT has no RECENT and no [UNSEEN n]; FETCH FLAGS and new mail carry no \\Recent; a rev1 session still has them', async () => {
    s.h.addMessage(s.user.mailboxId, 'INBOX', sampleMessage('a'));
    await rev2();
    const sel = await s.c.cmd('s1 SELECT INBOX');
    expect(sel).toContain('* 1 EXISTS');
    expect(sel.some((l) => /RECENT|UNSEEN/.test(l))).toBe(false);
    expect(await s.c.cmd('f1 FETCH 1 FLAGS')).toEqual(['* 1 FETCH (FLAGS ())', 'f1 OK FETCH completed']);
    s.h.addMessage(s.user.mailboxId, 'INBOX', sampleMessage('b'));
    expect(await s.c.cmd('n1 NOOP')).toEqual(['* 2 EXISTS', 'n1 OK NOOP completed']);
    expect(await s.c.cmd('t1 STATUS INBOX (RECENT MESSAGES)')).toEqual(['* STATUS INBOX (RECENT 0 MESSAGES 2)', 't1 OK STATUS completed']);

    const d = await s.h.connect();
    await d.login(s.user.address, s.user.password);
    s.h.addMessage(s.user.mailboxId, 'INBOX', sampleMessage('c'));
    const sel1 = await d.cmd('s1 SELECT INBOX');
    expect(sel1).toContain('* 1 RECENT');
    expect(await d.cmd('f1 FETCH 3 FLAGS')).toEqual(['* 3 FETCH (FLAGS (\\Recent))', 'f1 OK FETCH completed']);
  });
});

describe('RFC 9051 §6.3.2 SELECT names the mailbox in a LIST response', () => {
  it('SELECT and EXAMINE send the LIST line with the attributes after ENABLE IMAP4rev2; a rev1 session gets none', async () => {
    await rev2();
    const sel = await s.c.cmd('s1 SELECT INBOX');
    expect(sel).toContain('* LIST (\\HasNoChildren) "/" INBOX');
    expect(sel.indexOf('* LIST (\\HasNoChildren) "/" INBOX')).toBe(sel.length - 2);
    expect((await s.c.cmd('c1 CREATE "Отчёты/2026"')).at(-1)).toMatch(/^c1 OK /);
    expect(await s.c.cmd('s2 EXAMINE "Отчёты"')).toContain('* LIST (\\HasChildren) "/" "Отчёты"');
    const d = await s.h.connect();
    await d.login(s.user.address, s.user.password);
    expect((await d.cmd('s1 SELECT INBOX')).some((l) => l.startsWith('* LIST'))).toBe(false);
  });
});

describe('RFC 9051 §6.4.4 SEARCH answers with ESEARCH (RFC 4731 §3.1)', () => {
  beforeEach(async () => {
    for (const m of ['a', 'b', 'c', 'd', 'e']) s.h.addMessage(s.user.mailboxId, 'INBOX', sampleMessage(m), m === 'c' ? FLAG_DELETED : 0);
  });

  it('ALL by default, with the command tag; UID SEARCH adds UID; RETURN (MIN MAX COUNT)', async () => {
    await rev2();
    await s.c.cmd('s1 SELECT INBOX');
    expect(await s.c.cmd('x1 SEARCH UNDELETED')).toEqual(['* ESEARCH (TAG "x1") ALL 1:2,4:5', 'x1 OK SEARCH completed']);
    expect(await s.c.cmd('x2 UID SEARCH RETURN (MIN MAX COUNT) UNDELETED')).toEqual(['* ESEARCH (TAG "x2") UID MIN 1 MAX 5 COUNT 4', 'x2 OK UID SEARCH completed']);
    expect(await s.c.cmd('x3 SEARCH RETURN () DELETED')).toEqual(['* ESEARCH (TAG "x3") ALL 3', 'x3 OK SEARCH completed']);
    // nothing matched: no MIN, MAX, ALL
    expect(await s.c.cmd('x4 SEARCH RETURN (MIN COUNT ALL) SUBJECT nothing-like-it')).toEqual(['* ESEARCH (TAG "x4") COUNT 0', 'x4 OK SEARCH completed']);
    expect((await s.c.cmd('x5 SEARCH RETURN (FIRST) ALL')).at(-1)).toMatch(/^x5 BAD /);
  });

  it('an IMAP4rev1 session keeps * SEARCH', async () => {
    await s.c.cmd('s1 SELECT INBOX');
    expect(await s.c.cmd('x1 SEARCH UNDELETED')).toEqual(['* SEARCH 1 2 4 5', 'x1 OK SEARCH completed']);
  });
});

describe('RFC 8438 §3 STATUS SIZE, RFC 9051 §6.3.11 STATUS DELETED', () => {
  it('SIZE is the sum of RFC822.SIZE; DELETED counts \\Deleted; LIST-STATUS takes them too', async () => {
    const a = sampleMessage('a');
    const b = sampleMessage('b');
    s.h.addMessage(s.user.mailboxId, 'INBOX', a);
    s.h.addMessage(s.user.mailboxId, 'INBOX', b, FLAG_DELETED);
    const size = Buffer.byteLength(a) + Buffer.byteLength(b);
    expect(await s.c.cmd('t1 STATUS INBOX (MESSAGES SIZE DELETED)')).toEqual([`* STATUS INBOX (MESSAGES 2 SIZE ${size} DELETED 1)`, 't1 OK STATUS completed']);
    expect(await s.c.cmd('t2 STATUS Drafts (SIZE DELETED)')).toEqual(['* STATUS Drafts (SIZE 0 DELETED 0)', 't2 OK STATUS completed']);
    const l = await s.c.cmd('l1 LIST "" INBOX RETURN (STATUS (SIZE))');
    expect(l).toContain(`* STATUS INBOX (SIZE ${size})`);
  });
});

describe('RFC 9051 §5.1 / RFC 6855 §3 UTF-8 mailbox names; §6.3.9 \\NonExistent', () => {
  it('names go out and come in as UTF-8 after ENABLE; a rev1 session sees modified UTF-7', async () => {
    await rev2();
    expect((await s.c.cmd('c1 CREATE "Входящие/Счета"')).at(-1)).toMatch(/^c1 OK /);
    expect(await s.c.cmd('l0 LIST "" "Входящие"')).toEqual(['* LIST (\\HasChildren) "/" "Входящие"', 'l0 OK LIST completed']);
    // a folder deleted with children stays as a level of the hierarchy (RFC 3501 §6.3.4)
    expect(await s.c.cmd('d1 DELETE "Входящие"')).toEqual(['d1 OK DELETE completed']);
    expect(await s.c.cmd('l1 LIST "" "Входящие*"')).toEqual([
      '* LIST (\\NonExistent \\Noselect \\HasChildren) "/" "Входящие"',
      '* LIST (\\HasNoChildren) "/" "Входящие/Счета"',
      'l1 OK LIST completed',
    ]);
    expect((await s.c.cmd('s1 SELECT "Входящие/Счета"')).at(-1)).toMatch(/^s1 OK \[READ-WRITE\]/);
    expect(await s.c.cmd('t1 STATUS "Входящие/Счета" (MESSAGES)')).toEqual(['* STATUS "Входящие/Счета" (MESSAGES 0)', 't1 OK STATUS completed']);

    const d = await s.h.connect();
    await d.login(s.user.address, s.user.password);
    expect(await d.cmd('l1 LIST "" "*&BBIERQQ+BDQETwRJBDgENQ-*"')).toEqual([
      '* LIST (\\Noselect \\HasChildren) "/" &BBIERQQ+BDQETwRJBDgENQ-',
      '* LIST (\\HasNoChildren) "/" &BBIERQQ+BDQETwRJBDgENQ-/&BCEERwQ1BEIEMA-',
      'l1 OK LIST completed',
    ]);
  });

  it('UTF8=ACCEPT alone gives UTF-8 names but keeps \\Recent', async () => {
    expect(await s.c.cmd('e1 ENABLE UTF8=ACCEPT')).toEqual(['* ENABLED UTF8=ACCEPT', 'e1 OK ENABLE completed']);
    expect((await s.c.cmd('c1 CREATE Почта')).at(-1)).toMatch(/^c1 OK /);
    expect(await s.c.cmd('l1 LIST "" Почта')).toEqual(['* LIST (\\HasNoChildren) "/" "Почта"', 'l1 OK LIST completed']);
    expect(await s.c.cmd('s1 SELECT Почта')).toContain('* 0 RECENT');
  });
});
