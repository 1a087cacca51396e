/**
 * CREATE — RFC 3501 §6.3.3: missing superior levels are created, a trailing delimiter
 * is ignored, an existing name (INBOX in any case) is NO [ALREADYEXISTS] (RFC 5530);
 * names are modified UTF-7 (RFC 3501 §5.1.3), a malformed one is BAD. The commands and
 * replies are in transcripts/create.imap.
 */
import { describe, expect } from 'vitest';
import { useImapServer, itRejectsBadSyntax, itReplies } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';
import { getFolder } from '../../../src/store/folders.js';

const s = useImapServer();
const t = transcripts(import.meta.url, 'create');

describe('CREATE (RFC 3501 §6.3.3)', () => {
  itReplies(s, 'CREATE with intermediate levels, % and *, Cyrillic names in modified UTF-7', async (c, { mailboxId }) => {
    await t(c, 'CREATE with intermediate levels (RFC 3501 §6.3.3): the trailing delimiter');
    expect(getFolder(s.h.db, mailboxId, 'Налоги/2026')).toBeDefined();
    await t(c, 'CREATE (RFC 3501 §6.3.3): existing names, a malformed name');
  });

  itRejectsBadSyntax(s, {
    needsLogin: ['CREATE x'],
    replies: (c) => t(c, 'syntax errors and the wrong state are BAD'),
  });
});
