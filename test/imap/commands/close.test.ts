/**
 * CLOSE — RFC 3501 §6.4.2: in a read-write folder the \Deleted messages are removed
 * without EXPUNGE responses, in a read-only one (EXAMINE) nothing is removed; then the
 * session is back in the authenticated state, where CLOSE is BAD. The commands and
 * replies are in transcripts/close.imap.
 */
import { describe, it } from 'vitest';
import { sampleMessage } from '../../helpers/imap.js';
import { expectNeedsLogin, useImapSession } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';
import { FLAG_DELETED } from '../../../src/store/flags.js';

const s = useImapSession({ messages: 5, select: 'INBOX' });
const t = transcripts(import.meta.url, 'close');

describe('CLOSE (RFC 3501 §6.4.2)', () => {
  it('CLOSE expunges silently', async () => {
    s.h.addMessage(s.user.mailboxId, 'INBOX', sampleMessage('gone'), FLAG_DELETED);
    await t(s.c, 'CLOSE expunges silently (RFC 3501 §6.4.2)');
  });

  it('in a folder opened with EXAMINE nothing is removed; CLOSE leaves the selected state', async () => {
    s.h.addMessage(s.user.mailboxId, 'INBOX', sampleMessage('kept'), FLAG_DELETED);
    await t(s.c, 'in a folder opened with EXAMINE nothing is removed; CLOSE leaves the selected state (RFC 3501 §6.4.2)');
  });

  it('syntax errors and the wrong state are BAD', async () => {
    await t(s.c, 'syntax errors and the wrong state are BAD');
    await expectNeedsLogin(s.h, ['CLOSE']);
  });
});
