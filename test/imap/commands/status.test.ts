/**
 * STATUS — RFC 3501 §6.3.10 (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN) and RFC 7162
 * §3.1.6 (HIGHESTMODSEQ); a missing folder is NO [NONEXISTENT] (RFC 5530), a bad item
 * list is BAD. The commands and replies are in transcripts/status.imap.
 */
import { describe, it } from 'vitest';
import { sampleMessage } from '../../helpers/imap.js';
import { useImapServer, itRejectsBadSyntax } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';
import { FLAG_SEEN } from '../../../src/store/flags.js';

const s = useImapServer();
const t = transcripts(import.meta.url, 'status');

describe('STATUS (RFC 3501 §6.3.10)', () => {
  it('STATUS counts', async () => {
    const { c, mailboxId } = await s.session([{ raw: sampleMessage('a'), flags: FLAG_SEEN }, sampleMessage('b')]);
    await t(c, 'STATUS counts (RFC 3501 §6.3.10, RFC 7162 §3.1.6)', { v: s.uidvalidity(mailboxId, 'INBOX') });
    await c.close();
  });

  itRejectsBadSyntax(s, {
    needsLogin: ['STATUS INBOX (MESSAGES)'],
    replies: (c) => t(c, 'syntax errors and the wrong state are BAD'),
  });
});
