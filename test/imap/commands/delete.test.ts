/**
 * DELETE — RFC 3501 §6.3.4: INBOX cannot be deleted; a folder with inferior names
 * loses its messages and stays as \Noselect; a \Noselect name with inferiors cannot be
 * deleted; a missing one is NO [NONEXISTENT] (RFC 5530). The commands and replies are
 * in transcripts/delete.imap.
 */
import { describe } from 'vitest';
import { useImapServer, itRejectsBadSyntax, itReplies } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';

const s = useImapServer();
const t = transcripts(import.meta.url, 'delete');

describe('DELETE (RFC 3501 §6.3.4)', () => {
  itReplies(s, 'DELETE: not INBOX; with children the name stays \\Noselect', (c) => t(c, 'DELETE (RFC 3501 §6.3.4): not INBOX; with children the name stays \\Noselect'));

  itRejectsBadSyntax(s, {
    needsLogin: ['DELETE x'],
    replies: (c) => t(c, 'syntax errors and the wrong state are BAD'),
  });
});
