import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestImap, sampleMessage, type TestImap, type TranscriptClient } from '../../helpers/imap.js';
import { FLAG_SEEN, FLAG_DELETED } from '../../../src/store/flags.js';
import { getFolder } from '../../../src/store/folders.js';

let h: TestImap;

beforeAll(async () => {
  h = await startTestImap();
});
afterAll(async () => {
  await h.close();
});

async function loggedIn(): Promise<{ c: TranscriptClient; mailboxId: number }> {
  const u = await h.provision();
  const c = await h.connect();
  await c.login(u.address, u.password);
  return { c, mailboxId: u.mailboxId };
}

/** RFC 8474 §4.1: the MAILBOXID a folder is reported with. */
function mboxid(mailboxId: number, name: string): string {
  const f = getFolder(h.db, mailboxId, name)!;
  return `F${f.id}-${f.uidvalidity}`;
}

/** CREATE's tagged OK names the new folder's MAILBOXID (RFC 8474 §4.1). */
function created(tag: string): RegExp {
  return expect.stringMatching(new RegExp(`^${tag} OK \\[MAILBOXID \\(F\\d+-\\d+\\)\\] CREATE completed$`)) as unknown as RegExp;
}

function uidv(mailboxId: number, name: string): number {
  return getFolder(h.db, mailboxId, name)!.uidvalidity;
}

describe('LIST / LSUB (RFC 3501 §6.3.8–9, RFC 5258, RFC 6154, RFC 3348)', () => {
  it('lists the default folders with special-use and children attributes', async () => {
    const { c } = await loggedIn();
    expect(await c.cmd('a1 LIST "" ""')).toEqual(['* LIST (\\Noselect) "/" ""', 'a1 OK LIST completed']);
    expect(await c.cmd('a2 LIST "" *')).toEqual([
      '* LIST (\\HasNoChildren) "/" INBOX',
      '* LIST (\\HasNoChildren \\Archive) "/" Archive',
      '* LIST (\\HasNoChildren \\Drafts) "/" Drafts',
      '* LIST (\\HasNoChildren \\Junk) "/" Junk',
      '* LIST (\\HasNoChildren \\Sent) "/" Sent',
      '* LIST (\\HasNoChildren \\Trash) "/" Trash',
      'a2 OK LIST completed',
    ]);
    expect(await c.cmd('a3 LIST "" inbox')).toEqual(['* LIST (\\HasNoChildren) "/" INBOX', 'a3 OK LIST completed']);
    expect(await c.cmd('a4 LIST (SPECIAL-USE) "" "*" RETURN (SUBSCRIBED)')).toEqual([
      '* LIST (\\HasNoChildren \\Archive \\Subscribed) "/" Archive',
      '* LIST (\\HasNoChildren \\Drafts \\Subscribed) "/" Drafts',
      '* LIST (\\HasNoChildren \\Junk \\Subscribed) "/" Junk',
      '* LIST (\\HasNoChildren \\Sent \\Subscribed) "/" Sent',
      '* LIST (\\HasNoChildren \\Trash \\Subscribed) "/" Trash',
      'a4 OK LIST completed',
    ]);
    expect(await c.cmd('a5 LIST "" (INBOX Sent) RETURN (STATUS (MESSAGES UNSEEN))')).toEqual([
      '* LIST (\\HasNoChildren) "/" INBOX',
      '* STATUS INBOX (MESSAGES 0 UNSEEN 0)',
      '* LIST (\\HasNoChildren \\Sent) "/" Sent',
      '* STATUS Sent (MESSAGES 0 UNSEEN 0)',
      'a5 OK LIST completed',
    ]);
    expect(await c.cmd('a6 LIST (BOGUS) "" *')).toEqual(['a6 BAD LIST: unknown selection option BOGUS']);
    expect(await c.cmd('a7 LIST ""')).toEqual(['a7 BAD LIST: missing mailbox pattern']);
    await c.close();
  });

  it('CREATE with intermediate levels, % and *, Cyrillic names in modified UTF-7', async () => {
    const { c, mailboxId } = await loggedIn();
    expect(await c.cmd('b1 CREATE &BB0EMAQ7BD4EMwQ4-/2026/')).toEqual([created('b1')]);
    expect(getFolder(h.db, mailboxId, 'Налоги/2026')).toBeDefined();
    expect(await c.cmd('b2 CREATE &BB0EMAQ7BD4EMwQ4-')).toEqual(['b2 NO [ALREADYEXISTS] folder "Налоги" already exists']);
    expect(await c.cmd('b3 CREATE inbox')).toEqual(['b3 NO [ALREADYEXISTS] folder "INBOX" already exists']);
    expect(await c.cmd('b4 CREATE &Jjo')).toEqual(['b4 BAD Invalid modified UTF-7 in mailbox name: unterminated "&"']);
    expect(await c.cmd('b5 LIST "" %')).toContain('* LIST (\\HasChildren) "/" &BB0EMAQ7BD4EMwQ4-');
    expect(await c.cmd('b6 LIST "&BB0EMAQ7BD4EMwQ4-/" %')).toEqual([
      '* LIST (\\HasNoChildren) "/" &BB0EMAQ7BD4EMwQ4-/2026',
      'b6 OK LIST completed',
    ]);
    expect(await c.cmd('b7 LIST "" &BB0EMAQ7BD4EMwQ4-*')).toEqual([
      '* LIST (\\HasChildren) "/" &BB0EMAQ7BD4EMwQ4-',
      '* LIST (\\HasNoChildren) "/" &BB0EMAQ7BD4EMwQ4-/2026',
      'b7 OK LIST completed',
    ]);
    expect(await c.cmd('b8 CREATE "with space"')).toEqual([created('b8')]);
    expect(await c.cmd('b9 LIST "" "with*"')).toEqual(['* LIST (\\HasNoChildren) "/" "with space"', 'b9 OK LIST completed']);
    await c.close();
  });

  it('DELETE: not INBOX; with children the name stays \\Noselect', async () => {
    const { c } = await loggedIn();
    expect(await c.cmd('c1 CREATE a/b')).toEqual([created('c1')]);
    expect(await c.cmd('c2 DELETE INBOX')).toEqual(['c2 NO [CANNOT] INBOX cannot be deleted']);
    expect(await c.cmd('c3 DELETE nope')).toEqual(['c3 NO [NONEXISTENT] folder nope not found']);
    expect(await c.cmd('c4 DELETE a')).toEqual(['c4 OK DELETE completed']);
    expect(await c.cmd('c5 LIST "" a*')).toEqual([
      '* LIST (\\Noselect \\HasChildren) "/" a',
      '* LIST (\\HasNoChildren) "/" a/b',
      'c5 OK LIST completed',
    ]);
    expect(await c.cmd('c6 SELECT a')).toEqual(['c6 NO [CANNOT] "a" is not a folder that holds messages']);
    expect((await c.cmd('c7 DELETE a'))[0]).toMatch(/^c7 NO \[CANNOT\] folder "a" has inferior folders/);
    expect(await c.cmd('c8 DELETE a/b')).toEqual(['c8 OK DELETE completed']);
    expect(await c.cmd('c9 DELETE a')).toEqual(['c9 OK DELETE completed']);
    expect(await c.cmd('c10 LIST "" a*')).toEqual(['c10 OK LIST completed']);
    await c.close();
  });

  it('RENAME with children; INBOX moves its messages', async () => {
    const { c, mailboxId } = await loggedIn();
    await c.cmd('d1 CREATE x/y/z');
    expect(await c.cmd('d2 RENAME x w')).toEqual(['d2 OK RENAME completed']);
    expect(await c.cmd('d3 LIST "" w*')).toEqual([
      '* LIST (\\HasChildren) "/" w',
      '* LIST (\\HasChildren) "/" w/y',
      '* LIST (\\HasNoChildren) "/" w/y/z',
      'd3 OK LIST completed',
    ]);
    expect(await c.cmd('d4 RENAME w Sent')).toEqual(['d4 NO [ALREADYEXISTS] folder "Sent" already exists']);
    expect(await c.cmd('d5 RENAME nope q')).toEqual(['d5 NO [NONEXISTENT] folder nope not found']);
    h.addMessage(mailboxId, 'INBOX', sampleMessage('one'));
    h.addMessage(mailboxId, 'INBOX', sampleMessage('two'));
    expect(await c.cmd('d6 RENAME INBOX Old')).toEqual(['d6 OK RENAME completed']);
    expect(await c.cmd('d7 STATUS Old (MESSAGES)')).toEqual(['* STATUS Old (MESSAGES 2)', 'd7 OK STATUS completed']);
    expect(await c.cmd('d8 STATUS INBOX (MESSAGES)')).toEqual(['* STATUS INBOX (MESSAGES 0)', 'd8 OK STATUS completed']);
    await c.close();
  });

  it('SUBSCRIBE / UNSUBSCRIBE / LSUB', async () => {
    const { c } = await loggedIn();
    expect(await c.cmd('e1 UNSUBSCRIBE Junk')).toEqual(['e1 OK UNSUBSCRIBE completed']);
    expect(await c.cmd('e2 LSUB "" *')).toEqual([
      '* LSUB () "/" INBOX',
      '* LSUB () "/" Archive',
      '* LSUB () "/" Drafts',
      '* LSUB () "/" Sent',
      '* LSUB () "/" Trash',
      'e2 OK LSUB completed',
    ]);
    expect(await c.cmd('e3 LIST (SUBSCRIBED) "" J*')).toEqual(['e3 OK LIST completed']);
    expect(await c.cmd('e4 SUBSCRIBE Junk')).toEqual(['e4 OK SUBSCRIBE completed']);
    expect(await c.cmd('e5 LSUB "" J*')).toEqual(['* LSUB () "/" Junk', 'e5 OK LSUB completed']);
    expect(await c.cmd('e6 SUBSCRIBE nope')).toEqual(['e6 NO [NONEXISTENT] folder nope not found']);
    await c.close();
  });
});

describe('STATUS, SELECT, EXAMINE, CHECK, CLOSE, UNSELECT (RFC 3501 §6.3.1–2, §6.3.10, §6.4; RFC 3691)', () => {
  it('STATUS counts', async () => {
    const { c, mailboxId } = await loggedIn();
    h.addMessage(mailboxId, 'INBOX', sampleMessage('a'), FLAG_SEEN);
    h.addMessage(mailboxId, 'INBOX', sampleMessage('b'));
    const v = uidv(mailboxId, 'INBOX');
    expect(await c.cmd('f1 STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)')).toEqual([
      `* STATUS INBOX (MESSAGES 2 RECENT 2 UIDNEXT 3 UIDVALIDITY ${v} UNSEEN 1 HIGHESTMODSEQ 3)`,
      'f1 OK STATUS completed',
    ]);
    expect(await c.cmd('f2 STATUS INBOX (BOGUS)')).toEqual(['f2 BAD STATUS: unknown status item BOGUS']);
    expect(await c.cmd('f3 STATUS nope (MESSAGES)')).toEqual(['f3 NO [NONEXISTENT] Folder "nope" does not exist']);
    await c.close();
  });

  it('SELECT reports the folder, claims \\Recent; EXAMINE is read-only', async () => {
    const { c, mailboxId } = await loggedIn();
    h.addMessage(mailboxId, 'INBOX', sampleMessage('a'), FLAG_SEEN);
    h.addMessage(mailboxId, 'INBOX', sampleMessage('b'));
    h.addMessage(mailboxId, 'INBOX', sampleMessage('c'), FLAG_DELETED);
    const v = uidv(mailboxId, 'INBOX');
    const flags = '\\Answered \\Flagged \\Deleted \\Seen \\Draft';
    expect(await c.cmd('g1 SELECT INBOX')).toEqual([
      `* FLAGS (${flags})`,
      `* OK [PERMANENTFLAGS (${flags} \\*)] Flags permitted`,
      '* 3 EXISTS',
      '* 3 RECENT',
      '* OK [UNSEEN 2] First unseen',
      `* OK [UIDVALIDITY ${v}] UIDs valid`,
      '* OK [UIDNEXT 4] Predicted next UID',
      '* OK [HIGHESTMODSEQ 4] Highest',
      `* OK [MAILBOXID (${mboxid(mailboxId, 'INBOX')})] Ok`,
      'g1 OK [READ-WRITE] SELECT completed',
    ]);
    // a second session sees no \Recent
    const d = await h.connect();
    const addr = (h.db.prepare('SELECT address FROM mailboxes WHERE id = ?').get(mailboxId) as { address: string }).address;
    await d.login(addr, 'Correct-Horse-42');
    expect(await d.cmd('h1 EXAMINE INBOX')).toEqual([
      `* FLAGS (${flags})`,
      '* OK [PERMANENTFLAGS ()] No permanent flags permitted',
      '* 3 EXISTS',
      '* 0 RECENT',
      '* OK [UNSEEN 2] First unseen',
      `* OK [UIDVALIDITY ${v}] UIDs valid`,
      '* OK [UIDNEXT 4] Predicted next UID',
      '* OK [HIGHESTMODSEQ 4] Highest',
      `* OK [MAILBOXID (${mboxid(mailboxId, 'INBOX')})] Ok`,
      'h1 OK [READ-ONLY] EXAMINE completed',
    ]);
    // a new message reaches both sessions at the next command
    h.addMessage(mailboxId, 'INBOX', sampleMessage('d'));
    expect(await c.cmd('g2 NOOP')).toEqual(['* 4 EXISTS', '* 4 RECENT', 'g2 OK NOOP completed']);
    expect(await d.cmd('h2 CHECK')).toEqual(['* 4 EXISTS', '* 0 RECENT', 'h2 OK CHECK completed']);
    // CLOSE in the read-only session expunges nothing; in the read-write one it removes \Deleted silently
    expect(await d.cmd('h3 CLOSE')).toEqual(['h3 OK CLOSE completed']);
    expect(await d.cmd('h4 SELECT INBOX')).toContain('* 4 EXISTS');
    expect(await c.cmd('g3 CLOSE')).toEqual(['g3 OK CLOSE completed']);
    expect(await c.cmd('g4 CLOSE')).toEqual(['g4 BAD CLOSE: select a folder first']);
    expect(await d.cmd('h5 NOOP')).toEqual(['* 3 EXPUNGE', 'h5 OK NOOP completed']);
    expect(await d.cmd('h6 UNSELECT')).toEqual(['h6 OK UNSELECT completed']);
    expect(await d.cmd('h7 UNSELECT')).toEqual(['h7 BAD UNSELECT: select a folder first']);
    await c.close();
    await d.close();
  });

  it('SELECT of a missing folder leaves the selected state; SELECT closes the previous one', async () => {
    const { c } = await loggedIn();
    expect((await c.cmd('k1 SELECT INBOX')).pop()).toBe('k1 OK [READ-WRITE] SELECT completed');
    expect(await c.cmd('k2 SELECT nope')).toEqual(['* OK [CLOSED] Previous folder closed', 'k2 NO [NONEXISTENT] Folder "nope" does not exist']);
    expect(await c.cmd('k3 CHECK')).toEqual(['k3 BAD CHECK: select a folder first']);
    expect((await c.cmd('k4 SELECT Sent (CONDSTORE)')).pop()).toBe('k4 OK [READ-WRITE] SELECT completed');
    // A BAD command is not executed: Sent stays selected (RFC 3501 §7.1.5).
    expect(await c.cmd('k5 SELECT Sent (FOO)')).toEqual(['k5 BAD SELECT: unsupported select parameter FOO']);
    expect(await c.cmd('k6 CHECK')).toEqual(['k6 OK CHECK completed']);
    await c.close();
  });
});

describe('argument errors answer BAD and the session continues', () => {
  it('transcript', async () => {
    const { c } = await loggedIn();
    expect(await c.cmd('z1 CREATE')).toEqual(['z1 BAD CREATE: missing mailbox name']);
    expect(await c.cmd('z2 RENAME a')).toEqual(['z2 BAD RENAME: missing new mailbox name']);
    expect(await c.cmd('z3 STATUS INBOX')).toEqual(['z3 BAD STATUS: missing status item list']);
    expect(await c.cmd('z4 STATUS INBOX MESSAGES')).toEqual(['z4 BAD STATUS: status item list must be a parenthesized list']);
    expect(await c.cmd('z5 SELECT INBOX extra (x)')).toEqual(['z5 BAD SELECT: select parameters must be a parenthesized list']);
    expect(await c.cmd('z6 LIST "" * RETURN (STATUS)')).toEqual(['z6 BAD LIST: RETURN STATUS needs a list of items']);
    expect(await c.cmd('z7 ENABLE')).toEqual(['z7 BAD ENABLE: missing capability']);
    expect(await c.cmd('z8 LSUB "" (a b)')).toEqual(['z8 BAD LSUB: one pattern only']);
    expect(await c.cmd('z9 SUBSCRIBE')).toEqual(['z9 BAD SUBSCRIBE: missing mailbox name']);
    expect(await c.cmd('z10 DELETE a b')).toEqual(['z10 BAD DELETE: unexpected extra arguments']);
    expect(await c.cmd('z11 EXAMINE')).toEqual(['z11 BAD EXAMINE: missing mailbox name']);
    expect(await c.cmd('z12 UNSUBSCRIBE "a')).toEqual(['z12 BAD Unterminated quoted string']);
    expect(await c.cmd('z13 CLOSE')).toEqual(['z13 BAD CLOSE: select a folder first']);
    expect(await c.cmd('z14 NOOP')).toEqual(['z14 OK NOOP completed']);
    await c.close();
  });

  it('folder commands before login', async () => {
    const c = await h.connect();
    for (const cmd of ['LIST "" *', 'LSUB "" *', 'CREATE x', 'DELETE x', 'RENAME x y', 'SUBSCRIBE x', 'UNSUBSCRIBE x', 'STATUS x (MESSAGES)', 'SELECT x', 'EXAMINE x', 'NAMESPACE', 'ENABLE CONDSTORE']) {
      const name = cmd.split(' ')[0]!;
      expect(await c.cmd(`p ${cmd}`)).toEqual([`p BAD ${name}: authenticate first`]);
    }
    await c.close();
  });
});

describe('LSUB with % (RFC 3501 §6.3.9)', () => {
  it('an unsubscribed parent of a subscribed folder is returned as \\Noselect', async () => {
    const { c } = await loggedIn();
    await c.cmd('l1 CREATE Work/Reports');
    await c.cmd('l2 SUBSCRIBE Work/Reports');
    expect(await c.cmd('l3 LSUB "" W%')).toEqual(['* LSUB (\\Noselect) "/" Work', 'l3 OK LSUB completed']);
    expect(await c.cmd('l4 LSUB "" W*')).toEqual(['* LSUB () "/" Work/Reports', 'l4 OK LSUB completed']);
    expect(await c.cmd('l5 LIST (SUBSCRIBED RECURSIVEMATCH) "" W%')).toEqual([
      '* LIST (\\HasChildren) "/" Work ("CHILDINFO" ("SUBSCRIBED"))',
      'l5 OK LIST completed',
    ]);
    await c.close();
  });
});
