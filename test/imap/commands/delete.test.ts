/**
 * DELETE — RFC 3501 §6.3.4: INBOX cannot be deleted; a folder with inferior names
 * loses its messages and stays as \Noselect; a \Noselect name with inferiors cannot be
 * deleted; a missing one is NO [NONEXISTENT] (RFC 5530).
 */
import { describe, it, expect } from 'vitest';
import { expectNeedsLogin, expectReplies, useImapServer } from '../../helpers/imap-session.js';

const s = useImapServer();

describe('DELETE (RFC 3501 §6.3.4)', () => {
  it('DELETE: not INBOX; with children the name stays \\Noselect', async () => {
    const { c } = await s.session();
    expect(await c.cmd('c1 CREATE a/b')).toEqual([expect.stringMatching(/^c1 OK \[MAILBOXID \(F\d+-\d+\)\] CREATE completed$/)]);
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

  it('syntax errors and the wrong state are BAD', async () => {
    await expectNeedsLogin(s.h, ['DELETE x']);
    const { c } = await s.session();
    await expectReplies(c, [
      ['b1 DELETE', ['b1 BAD DELETE: missing mailbox name']],
      ['b2 DELETE a b', ['b2 BAD DELETE: unexpected extra arguments']],
    ]);
    await c.close();
  });
});
