/**
 * CLOSE — RFC 3501 §6.4.2: in a read-write folder the \Deleted messages are removed
 * without EXPUNGE responses, in a read-only one (EXAMINE) nothing is removed; then the
 * session is back in the authenticated state, where CLOSE is BAD.
 */
import { describe, it, expect } from 'vitest';
import { sampleMessage } from '../../helpers/imap.js';
import { expectNeedsLogin, expectReplies, useImapSession } from '../../helpers/imap-session.js';
import { FLAG_DELETED } from '../../../src/store/flags.js';

const s = useImapSession({ messages: 5, select: 'INBOX' });

describe('CLOSE (RFC 3501 §6.4.2)', () => {
  it('CLOSE expunges silently', async () => {
    s.h.addMessage(s.user.mailboxId, 'INBOX', sampleMessage('gone'), FLAG_DELETED);
    expect(await s.c.cmd('a1 CLOSE')).toEqual(['a1 OK CLOSE completed']);
    const r = await s.c.cmd('a2 STATUS INBOX (MESSAGES)');
    expect(r[0]).toBe('* STATUS INBOX (MESSAGES 5)');
  });

  it('in a folder opened with EXAMINE nothing is removed; CLOSE leaves the selected state', async () => {
    s.h.addMessage(s.user.mailboxId, 'INBOX', sampleMessage('kept'), FLAG_DELETED);
    expect((await s.c.cmd('a1 EXAMINE INBOX')).at(-1)).toBe('a1 OK [READ-ONLY] EXAMINE completed');
    await expectReplies(s.c, [
      ['a2 CLOSE', ['a2 OK CLOSE completed']],
      ['a3 STATUS INBOX (MESSAGES)', ['* STATUS INBOX (MESSAGES 6)', 'a3 OK STATUS completed']],
      ['a4 FETCH 1 FLAGS', ['a4 BAD FETCH: select a folder first']],
    ]);
  });

  it('syntax errors and the wrong state are BAD', async () => {
    await expectReplies(s.c, [
      ['b1 CLOSE now', ['b1 BAD CLOSE: unexpected extra arguments']],
      ['b2 NOOP', ['b2 OK NOOP completed']],
      ['b3 UNSELECT', ['b3 OK UNSELECT completed']],
      ['b4 CLOSE', ['b4 BAD CLOSE: select a folder first']],
    ]);
    await expectNeedsLogin(s.h, ['CLOSE']);
  });
});
