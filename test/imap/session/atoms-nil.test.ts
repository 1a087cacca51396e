/**
 * Atoms and NIL — RFC 3501 §9 (`astring` = 1*ASTRING-CHAR / string, where
 * ASTRING-CHAR is ATOM-CHAR or "]"; a "[" is an ATOM-CHAR too) and §4.5 (NIL):
 * a mailbox name made of every atom character is a valid name, so SELECT answers NO
 * (no such folder), not BAD, and LIST takes it as a pattern. In `STORE 1 +FLAGS NIL`
 * the NIL is a flag-keyword (`flag-keyword = atom`, and NIL is an atom), so the message
 * gets the keyword NIL, as Dovecot does; it is not a syntax error. A syntax error never costs the connection: only
 * imap.maxBadCommands BAD replies in a row do. (Found by Dovecot's imaptest: the
 * `atoms` and `nil` groups.)
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestImap, sampleMessage, type TestImap, type TranscriptClient } from '../../helpers/imap.js';

const ATOM_CHARS = "!#$&'+,-.0123456789:;<=>?@^_`|[}";
let h: TestImap;
let c: TranscriptClient;

beforeEach(async () => {
  h = await startTestImap({ config: { imap: { maxBadCommands: 3 } } });
  const u = await h.provision();
  h.addMessage(u.mailboxId, 'INBOX', sampleMessage('one'));
  c = await h.connect();
  await c.login(u.address, u.password);
});
afterEach(async () => {
  await h.close();
});

describe('RFC 3501 §9 atoms', () => {
  it('SELECT of a name of all atom characters: NO, and the connection stays', async () => {
    expect(await c.cmd(`a1 SELECT ${ATOM_CHARS}`)).toEqual([`a1 NO [NONEXISTENT] Folder "${ATOM_CHARS}" does not exist`]);
    expect(await c.cmd(`a2 LIST "" ${ATOM_CHARS}%*`)).toEqual(['a2 OK LIST completed']);
    expect(await c.cmd('a3 LIST "" ~foo')).toEqual(['a3 OK LIST completed']);
    expect(await c.cmd('a4 SELECT ~foo')).toEqual(['a4 NO [NONEXISTENT] Folder "~foo" does not exist']);
    expect((await c.cmd('a5 CREATE a[b')).at(-1)).toMatch(/^a5 OK \[MAILBOXID \(F\d+-\d+\)\] CREATE completed$/);
    expect(await c.cmd('a6 LIST "" a[b')).toEqual(['* LIST (\\HasNoChildren) "/" a[b', 'a6 OK LIST completed']);
    // a real section still parses as one
    expect(await c.cmd('a7 SELECT INBOX')).toContain('a7 OK [READ-WRITE] SELECT completed');
    expect(await c.cmd('a8 FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject)]')).toEqual([
      '* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {16}',
      'Subject: one',
      '',
      ')',
      'a8 OK FETCH completed',
    ]);
  });
});

describe('RFC 3501 §9 NIL as a flag is the keyword NIL', () => {
  it('STORE 1 +FLAGS NIL sets the keyword NIL', async () => {
    await c.cmd('a1 SELECT INBOX');
    expect(await c.cmd('a2 STORE 1 +FLAGS NIL')).toEqual([
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft NIL)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft NIL \\*)] Flags permitted',
      '* 1 FETCH (FLAGS (NIL \\Recent))',
      'a2 OK STORE completed',
    ]);
    expect(await c.cmd('a3 FETCH 1 FLAGS')).toEqual(['* 1 FETCH (FLAGS (NIL \\Recent))', 'a3 OK FETCH completed']);
    expect(await c.cmd('a4 SEARCH KEYWORD NIL')).toEqual(['* SEARCH 1', 'a4 OK SEARCH completed']);
    expect(await c.cmd('a5 STORE 1 -FLAGS (NIL)')).toEqual(['* 1 FETCH (FLAGS (\\Recent))', 'a5 OK STORE completed']);
  });
});

describe('a syntax error never costs the connection', () => {
  it('BAD, then the next command works; only maxBadCommands BADs in a row end it', async () => {
    expect(await c.cmd('b1 FETCH')).toEqual([expect.stringMatching(/^b1 BAD /)]);
    expect(await c.cmd('b2 SELECT "unterminated')).toEqual([expect.stringMatching(/^b2 BAD /)]);
    expect(await c.cmd('b3 NOOP')).toEqual(['b3 OK NOOP completed']);
    c.send('b4 BOGUS');
    c.send('b5 BOGUS');
    c.send('b6 BOGUS');
    const rest = await c.rest();
    expect(rest.slice(-2)).toEqual(['b6 BAD Unknown command BOGUS', '* BYE Too many invalid commands']);
  });
});
