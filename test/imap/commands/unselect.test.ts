/**
 * UNSELECT — RFC 3691 §2: back to the authenticated state without expunging (unlike
 * CLOSE, RFC 3501 §6.4.2); BAD when no folder is selected; arguments are BAD.
 */
import { describe, it, expect } from 'vitest';
import { sampleMessage } from '../../helpers/imap.js';
import { expectReplies, itTakesNoArguments, useImapSession } from '../../helpers/imap-session.js';
import { FLAG_DELETED } from '../../../src/store/flags.js';

const s = useImapSession({ messages: [sampleMessage('kept'), { raw: sampleMessage('deleted'), flags: FLAG_DELETED }] });

describe('UNSELECT (RFC 3691 §2)', () => {
  it('leaves the folder without removing \\Deleted messages', async () => {
    await s.c.cmd('a1 SELECT INBOX');
    await expectReplies(s.c, [
      ['a2 UNSELECT', ['a2 OK UNSELECT completed']],
      ['a3 FETCH 1 FLAGS', ['a3 BAD FETCH: select a folder first']],
      ['a4 STATUS INBOX (MESSAGES)', ['* STATUS INBOX (MESSAGES 2)', 'a4 OK STATUS completed']],
    ]);
    expect(await s.c.cmd('a5 SELECT INBOX')).toContain('* 2 EXISTS');
  });

  itTakesNoArguments(s, 'UNSELECT', 'INBOX');
});
