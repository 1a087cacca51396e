/**
 * RENAME — RFC 3501 §6.3.5: the folder and its inferiors are renamed; renaming INBOX
 * moves its messages to the new folder and leaves INBOX empty; an existing target is
 * NO [ALREADYEXISTS], a missing source NO [NONEXISTENT] (RFC 5530). The commands and
 * replies are in transcripts/rename.imap.
 */
import { describe } from 'vitest';
import { sampleMessage } from '../../helpers/imap.js';
import { useImapServer, itRejectsBadSyntax, itReplies } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';

const s = useImapServer();
const t = transcripts(import.meta.url, 'rename');

describe('RENAME (RFC 3501 §6.3.5)', () => {
  itReplies(s, 'RENAME with children; INBOX moves its messages', async (c, { mailboxId }) => {
    await t(c, 'RENAME with children (RFC 3501 §6.3.5)');
    for (const subject of ['one', 'two']) s.h.addMessage(mailboxId, 'INBOX', sampleMessage(subject));
    await t(c, 'RENAME (RFC 3501 §6.3.5): INBOX moves its messages');
  });

  itRejectsBadSyntax(s, {
    needsLogin: ['RENAME x y'],
    replies: (c) => t(c, 'syntax errors and the wrong state are BAD'),
  });
});
