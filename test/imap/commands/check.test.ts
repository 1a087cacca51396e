/**
 * CHECK — RFC 3501 §6.4.1: a checkpoint of the selected folder. Every change is
 * committed when it is made, so CHECK only reports pending updates, as NOOP does;
 * valid in the selected state only (BAD otherwise, §3); arguments are BAD.
 */
import { describe, it, expect } from 'vitest';
import { sampleMessage } from '../../helpers/imap.js';
import { expectReplies, itTakesNoArguments, useImapSession } from '../../helpers/imap-session.js';

const s = useImapSession({ messages: 1 });

describe('CHECK (RFC 3501 §6.4.1)', () => {
  it('OK in the selected state, with the updates owed', async () => {
    await s.c.cmd('a1 SELECT INBOX');
    expect(await s.c.cmd('a2 CHECK')).toEqual(['a2 OK CHECK completed']);
    s.h.addMessage(s.user.mailboxId, 'INBOX', sampleMessage('new'));
    expect(await s.c.cmd('a3 CHECK')).toEqual(['* 2 EXISTS', '* 2 RECENT', 'a3 OK CHECK completed']);
  });

  itTakesNoArguments(s, 'CHECK', 'now');
});
