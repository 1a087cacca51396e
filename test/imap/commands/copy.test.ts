/**
 * COPY / UID COPY — RFC 3501 §6.4.7, §6.4.8, with [COPYUID uidvalidity src dst] of
 * RFC 4315 §3; a missing target folder is NO [TRYCREATE]; a UID set that names no
 * message copies nothing and is OK.
 */
import { describe, it, expect } from 'vitest';
import { expectNeedsSelected, expectReplies, useImapSession } from '../../helpers/imap-session.js';

const s = useImapSession({ messages: 4 });
const uv = (name: string) => s.uidvalidity(name);

describe('COPY and MOVE', () => {
  it('COPY answers COPYUID; UID COPY too; missing folder → TRYCREATE', async () => {
    await s.c.cmd('s SELECT INBOX');
    await expectReplies(s.c, [
      ['a1 COPY 2:3 Archive', [`a1 OK [COPYUID ${uv('Archive')} 2:3 1:2] COPY completed`]],
      ['a2 UID COPY 1,4 Archive', [`a2 OK [COPYUID ${uv('Archive')} 1,4 3:4] UID COPY completed`]],
      ['a3 COPY 1 Nowhere', ['a3 NO [TRYCREATE] Folder "Nowhere" does not exist']],
      ['a4 UID COPY 99 Archive', ['a4 OK UID COPY completed (nothing to copy)']],
    ]);
    expect((await s.c.cmd('a5 STATUS Archive (MESSAGES)'))[0]).toBe('* STATUS Archive (MESSAGES 4)');
  });

  it('syntax errors and the wrong state are BAD', async () => {
    await expectNeedsSelected(s.c, 'b1 COPY 1 Archive');
    await s.c.cmd('s SELECT INBOX');
    await expectReplies(s.c, [
      ['b2 COPY', ['b2 BAD COPY: missing sequence set']],
      ['b3 COPY x Archive', ['b3 BAD Invalid sequence set "x"']],
      ['b4 COPY 9 Archive', ['b4 BAD Invalid sequence number 9 (the folder has 4 messages)']],
    ]);
    expect((await s.c.cmd('b5 STATUS Archive (MESSAGES)'))[0]).toBe('* STATUS Archive (MESSAGES 0)');
  });
});
