/**
 * STATUS — RFC 3501 §6.3.10 (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN) and RFC 7162
 * §3.1.6 (HIGHESTMODSEQ); a missing folder is NO [NONEXISTENT] (RFC 5530), a bad item
 * list is BAD.
 */
import { describe, it } from 'vitest';
import { sampleMessage } from '../../helpers/imap.js';
import { expectReplies, useImapServer, itRejectsBadSyntax } from '../../helpers/imap-session.js';
import { FLAG_SEEN } from '../../../src/store/flags.js';

const s = useImapServer();

describe('STATUS (RFC 3501 §6.3.10)', () => {
  it('STATUS counts', async () => {
    const { c, mailboxId } = await s.session([{ raw: sampleMessage('a'), flags: FLAG_SEEN }, sampleMessage('b')]);
    const v = s.uidvalidity(mailboxId, 'INBOX');
    await expectReplies(c, [
      ['f1 STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)', [
        `* STATUS INBOX (MESSAGES 2 RECENT 2 UIDNEXT 3 UIDVALIDITY ${v} UNSEEN 1 HIGHESTMODSEQ 3)`,
        'f1 OK STATUS completed',
      ]],
      ['f2 STATUS INBOX (BOGUS)', ['f2 BAD STATUS: unknown status item BOGUS']],
      ['f3 STATUS nope (MESSAGES)', ['f3 NO [NONEXISTENT] Folder "nope" does not exist']],
    ]);
    await c.close();
  });

  itRejectsBadSyntax(s, {
    needsLogin: ['STATUS INBOX (MESSAGES)'],
    replies: [
      ['b1 STATUS', ['b1 BAD STATUS: missing mailbox name']],
      ['b2 STATUS INBOX', ['b2 BAD STATUS: missing status item list']],
      ['b3 STATUS INBOX MESSAGES', ['b3 BAD STATUS: status item list must be a parenthesized list']],
      ['b4 STATUS INBOX (MESSAGES)', ['* STATUS INBOX (MESSAGES 0)', 'b4 OK STATUS completed']],
    ],
  });
});
