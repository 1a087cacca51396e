/**
 * RENAME — RFC 3501 §6.3.5: the folder and its inferiors are renamed; renaming INBOX
 * moves its messages to the new folder and leaves INBOX empty; an existing target is
 * NO [ALREADYEXISTS], a missing source NO [NONEXISTENT] (RFC 5530).
 */
import { describe, it } from 'vitest';
import { sampleMessage } from '../../helpers/imap.js';
import { expectReplies, useImapServer, itRejectsBadSyntax } from '../../helpers/imap-session.js';

const s = useImapServer();

describe('RENAME (RFC 3501 §6.3.5)', () => {
  it('RENAME with children; INBOX moves its messages', async () => {
    const { h } = s;
    const { c, mailboxId } = await s.session();
    await c.cmd('d1 CREATE x/y/z');
    await expectReplies(c, [
      ['d2 RENAME x w', ['d2 OK RENAME completed']],
      ['d3 LIST "" w*', [
        '* LIST (\\HasChildren) "/" w',
        '* LIST (\\HasChildren) "/" w/y',
        '* LIST (\\HasNoChildren) "/" w/y/z',
        'd3 OK LIST completed',
      ]],
      ['d4 RENAME w Sent', ['d4 NO [ALREADYEXISTS] folder "Sent" already exists']],
      ['d5 RENAME nope q', ['d5 NO [NONEXISTENT] folder nope not found']],
    ]);
    h.addMessage(mailboxId, 'INBOX', sampleMessage('one'));
    h.addMessage(mailboxId, 'INBOX', sampleMessage('two'));
    await expectReplies(c, [
      ['d6 RENAME INBOX Old', ['d6 OK RENAME completed']],
      ['d7 STATUS Old (MESSAGES)', ['* STATUS Old (MESSAGES 2)', 'd7 OK STATUS completed']],
      ['d8 STATUS INBOX (MESSAGES)', ['* STATUS INBOX (MESSAGES 0)', 'd8 OK STATUS completed']],
    ]);
    await c.close();
  });

  itRejectsBadSyntax(s, {
    needsLogin: ['RENAME x y'],
    replies: [
      ['b1 RENAME', ['b1 BAD RENAME: missing existing mailbox name']],
      ['b2 RENAME a', ['b2 BAD RENAME: missing new mailbox name']],
      ['b3 RENAME a b c', ['b3 BAD RENAME: unexpected extra arguments']],
    ],
  });
});
