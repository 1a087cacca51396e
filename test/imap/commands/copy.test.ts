/**
 * COPY / UID COPY — RFC 3501 §6.4.7, §6.4.8, with [COPYUID uidvalidity src dst] of
 * RFC 4315 §3; a missing target folder is NO [TRYCREATE]; a UID set that names no
 * message copies nothing and is OK. The commands and replies are in
 * transcripts/copy.imap.
 */
import { describe, it } from 'vitest';
import { expectNeedsSelected, useImapSession } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';

const s = useImapSession({ messages: 4 });
const t = transcripts(import.meta.url, 'copy');

describe('COPY and MOVE', () => {
  it('COPY answers COPYUID; UID COPY too; missing folder → TRYCREATE', () =>
    t(s.c, 'COPY answers COPYUID; UID COPY too; missing folder → TRYCREATE (RFC 3501 §6.4.7, RFC 4315 §3)', { archive: s.uidvalidity('Archive') }));

  it('syntax errors and the wrong state are BAD', async () => {
    await expectNeedsSelected(s.c, 'b1 COPY 1 Archive');
    await t(s.c, 'syntax errors and the wrong state are BAD');
  });
});
