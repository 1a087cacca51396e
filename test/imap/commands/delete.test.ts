/**
 * DELETE — RFC 3501 §6.3.4: INBOX cannot be deleted; a folder with inferior names
 * loses its messages and stays as \Noselect; a \Noselect name with inferiors cannot be
 * deleted; a missing one is NO [NONEXISTENT] (RFC 5530).
 */
import { describe, it, expect } from 'vitest';
import { expectReplies, useImapServer, itRejectsBadSyntax } from '../../helpers/imap-session.js';

const s = useImapServer();

describe('DELETE (RFC 3501 §6.3.4)', () => {
  it('DELETE: not INBOX; with children the name stays \\Noselect', async () => {
    const { c } = await s.session();
    await expectReplies(c, [
      ['c1 CREATE a/b', [expect.stringMatching(/^c1 OK \[MAILBOXID \(F\d+-\d+\)\] CREATE completed$/)]],
      ['c2 DELETE INBOX', ['c2 NO [CANNOT] INBOX cannot be deleted']],
      ['c3 DELETE nope', ['c3 NO [NONEXISTENT] folder nope not found']],
      ['c4 DELETE a', ['c4 OK DELETE completed']],
      ['c5 LIST "" a*', [
        '* LIST (\\Noselect \\HasChildren) "/" a',
        '* LIST (\\HasNoChildren) "/" a/b',
        'c5 OK LIST completed',
      ]],
      ['c6 SELECT a', ['c6 NO [CANNOT] "a" is not a folder that holds messages']],
    ]);
    expect((await c.cmd('c7 DELETE a'))[0]).toMatch(/^c7 NO \[CANNOT\] folder "a" has inferior folders/);
    await expectReplies(c, [
      ['c8 DELETE a/b', ['c8 OK DELETE completed']],
      ['c9 DELETE a', ['c9 OK DELETE completed']],
      ['c10 LIST "" a*', ['c10 OK LIST completed']],
    ]);
    await c.close();
  });

  itRejectsBadSyntax(s, {
    needsLogin: ['DELETE x'],
    replies: [
      ['b1 DELETE', ['b1 BAD DELETE: missing mailbox name']],
      ['b2 DELETE a b', ['b2 BAD DELETE: unexpected extra arguments']],
    ],
  });
});
