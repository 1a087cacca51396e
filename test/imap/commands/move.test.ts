/**
 * MOVE / UID MOVE — RFC 6851 §3: copy and expunge in one step; the client gets an
 * untagged `OK [COPYUID …]` (RFC 4315 §3), then the EXPUNGEs, then the tagged OK;
 * other sessions see EXISTS in the target; a missing target is NO [TRYCREATE]. The
 * commands and replies are in transcripts/move.imap.
 */
import { describe, it } from 'vitest';
import { expectNeedsSelected, useImapSession } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';

const s = useImapSession({ messages: 4 });
const t = transcripts(import.meta.url, 'move');

describe('COPY and MOVE', () => {
  it('MOVE: untagged COPYUID, then EXPUNGEs, then OK; other sessions see EXISTS in the target', async () => {
    const d = await s.h.connect();
    await d.login(s.user.address, s.user.password);
    await d.cmd('t1 SELECT Trash');
    const uv = { trash: s.uidvalidity('Trash'), junk: s.uidvalidity('Junk') };
    await t(s.c, 'MOVE (RFC 6851 §3): untagged COPYUID, then EXPUNGEs, then OK', uv);
    await t(d, 'MOVE (RFC 6851 §3): the other session sees EXISTS in the target');
    await t(s.c, 'MOVE (RFC 6851 §3): UID MOVE; a missing target is TRYCREATE', uv);
    await d.close();
  });

  it('syntax errors and the wrong state are BAD', async () => {
    await expectNeedsSelected(s.c, 'b1 MOVE 1 Archive');
    await t(s.c, 'syntax errors and the wrong state are BAD');
  });
});
