/**
 * MOVE / UID MOVE — RFC 6851 §3: copy and expunge in one step; the client gets an
 * untagged `OK [COPYUID …]` (RFC 4315 §3), then the EXPUNGEs, then the tagged OK;
 * other sessions see EXISTS in the target; a missing target is NO [TRYCREATE].
 */
import { describe, it, expect } from 'vitest';
import { expectNeedsSelected, expectReplies, useImapSession } from '../../helpers/imap-session.js';

const s = useImapSession({ messages: 4 });
const uv = (name: string) => s.uidvalidity(name);

describe('COPY and MOVE', () => {
  it('MOVE: untagged COPYUID, then EXPUNGEs, then OK; other sessions see EXISTS in the target', async () => {
    const d = await s.h.connect();
    await d.login(s.user.address, s.user.password);
    await d.cmd('t1 SELECT Trash');
    await s.c.cmd('s SELECT INBOX');
    expect(await s.c.cmd('a1 MOVE 2,4 Trash')).toEqual([`* OK [COPYUID ${uv('Trash')} 2,4 1:2] Moved`, '* 4 EXPUNGE', '* 2 EXPUNGE', 'a1 OK MOVE completed']);
    expect(await d.cmd('t2 NOOP')).toEqual(['* 2 EXISTS', '* 2 RECENT', 't2 OK NOOP completed']);
    await expectReplies(s.c, [
      ['a2 UID MOVE 3 Junk', [`* OK [COPYUID ${uv('Junk')} 3 1] Moved`, '* 2 EXPUNGE', 'a2 OK UID MOVE completed']],
      ['a3 MOVE 1 Nowhere', ['a3 NO [TRYCREATE] Folder "Nowhere" does not exist']],
    ]);
    await d.close();
  });

  it('syntax errors and the wrong state are BAD', async () => {
    await expectNeedsSelected(s.c, 'b1 MOVE 1 Archive');
    await s.c.cmd('s SELECT INBOX');
    await expectReplies(s.c, [
      ['b2 MOVE 1', ['b2 BAD MOVE: missing mailbox name']],
      ['b3 MOVE x Archive', ['b3 BAD Invalid sequence set "x"']],
      ['b4 UID MOVE 99 Archive', [expect.stringMatching(/^b4 OK /)]],
    ]);
    expect((await s.c.cmd('b5 STATUS INBOX (MESSAGES)'))[0]).toBe('* STATUS INBOX (MESSAGES 4)');
  });
});
