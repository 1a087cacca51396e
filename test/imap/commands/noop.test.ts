/**
 * NOOP — RFC 3501 §6.1.2: does nothing, in every state; it is the moment the server
 * sends the updates it owes a selected session (EXISTS and RECENT, FETCH FLAGS,
 * EXPUNGE: §7.3.1, §7.4.1, §7.4.2). Arguments are BAD.
 */
import { describe, it, expect } from 'vitest';
import { sampleMessage } from '../../helpers/imap.js';
import { expectReplies, loggedIn, useImapSession } from '../../helpers/imap-session.js';

const s = useImapSession({ messages: 2 });

describe('NOOP (RFC 3501 §6.1.2)', () => {
  it('OK in every state', async () => {
    const before = await s.h.connect();
    expect(await before.cmd('a1 NOOP')).toEqual(['a1 OK NOOP completed']);
    await before.close();
    expect(await s.c.cmd('a2 NOOP')).toEqual(['a2 OK NOOP completed']);
    await s.c.cmd('a3 SELECT INBOX');
    expect(await s.c.cmd('a4 NOOP')).toEqual(['a4 OK NOOP completed']);
  });

  it('reports what other sessions changed: EXISTS and RECENT, FETCH FLAGS, EXPUNGE', async () => {
    await s.c.cmd('a1 SELECT INBOX');
    const other = await loggedIn(s.h, s.user);
    await other.cmd('o1 SELECT INBOX');
    s.h.addMessage(s.user.mailboxId, 'INBOX', sampleMessage('new'));
    expect(await s.c.cmd('a2 NOOP')).toEqual(['* 3 EXISTS', '* 3 RECENT', 'a2 OK NOOP completed']);
    await other.cmd('o2 STORE 1 +FLAGS.SILENT (\\Deleted)');
    expect(await s.c.cmd('a3 NOOP')).toEqual(['* 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))', 'a3 OK NOOP completed']);
    await other.cmd('o3 EXPUNGE');
    await expectReplies(s.c, [
      ['a4 NOOP', ['* 1 EXPUNGE', 'a4 OK NOOP completed']],
      ['a5 NOOP', ['a5 OK NOOP completed']],
    ]);
    await other.close();
  });

  it('arguments are BAD', async () => {
    await expectReplies(s.c, [
      ['b1 NOOP now', ['b1 BAD NOOP: unexpected extra arguments']],
      ['b2 NOOP', ['b2 OK NOOP completed']],
    ]);
  });
});
