/**
 * Atoms and NIL — RFC 3501 §9 (`astring` = 1*ASTRING-CHAR / string, where
 * ASTRING-CHAR is ATOM-CHAR or "]"; a "[" is an ATOM-CHAR too) and §4.5 (NIL):
 * a mailbox name made of every atom character is a valid name, so SELECT answers NO
 * (no such folder), not BAD, and LIST takes it as a pattern. In `STORE 1 +FLAGS NIL`
 * the NIL is a flag-keyword (`flag-keyword = atom`, and NIL is an atom), so the message
 * gets the keyword NIL, as Dovecot does; it is not a syntax error. A syntax error never costs the connection: only
 * imap.maxBadCommands BAD replies in a row do. (Found by Dovecot's imaptest: the
 * `atoms` and `nil` groups.) The commands and replies are in transcripts/atoms-nil.imap.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestImap, sampleMessage, type TestImap, type TranscriptClient } from '../../helpers/imap.js';
import { transcripts } from '../../helpers/transcript.js';

const t = transcripts(import.meta.url, 'atoms-nil');
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
    await t(c, 'RFC 3501 §9 SELECT of a name of all atom characters: NO, and the connection stays');
  });
});

describe('RFC 3501 §9 NIL as a flag is the keyword NIL', () => {
  it('STORE 1 +FLAGS NIL sets the keyword NIL', async () => {
    await t(c, 'RFC 3501 §9 STORE 1 +FLAGS NIL sets the keyword NIL');
  });
});

describe('a syntax error never costs the connection', () => {
  it('BAD, then the next command works; only maxBadCommands BADs in a row end it', async () => {
    await t(c, 'BAD, then the next command works (RFC 3501 §7.1.5)');
    c.send('b4 BOGUS');
    c.send('b5 BOGUS');
    c.send('b6 BOGUS');
    const rest = await c.rest();
    expect(rest.slice(-2)).toEqual(['b6 BAD Unknown command BOGUS', '* BYE Too many invalid commands']);
  });
});
