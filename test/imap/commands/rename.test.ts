/**
 * RENAME — RFC 3501 §6.3.5: the folder and its inferiors are renamed; renaming INBOX
 * moves its messages to the new folder and leaves INBOX empty; an existing target is
 * NO [ALREADYEXISTS], a missing source NO [NONEXISTENT] (RFC 5530). The commands and
 * replies are in transcripts/rename.imap.
 */
import { describe, it } from 'vitest';
import { sampleMessage } from '../../helpers/imap.js';
import { useImapServer, itRejectsBadSyntax } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';

const s = useImapServer();
const t = transcripts(import.meta.url, 'rename');

describe('RENAME (RFC 3501 §6.3.5)', () => {
  it('RENAME with children; INBOX moves its messages', async () => {
    const { h } = s;
    const { c, mailboxId } = await s.session();
    await t(c, 'RENAME with children (RFC 3501 §6.3.5)');
    h.addMessage(mailboxId, 'INBOX', sampleMessage('one'));
    h.addMessage(mailboxId, 'INBOX', sampleMessage('two'));
    await t(c, 'RENAME (RFC 3501 §6.3.5): INBOX moves its messages');
    await c.close();
  });

  itRejectsBadSyntax(s, {
    needsLogin: ['RENAME x y'],
    replies: (c) => t(c, 'syntax errors and the wrong state are BAD'),
  });
});
