/**
 * LIST — RFC 3501 §6.3.8 (reference and pattern, % and *, the "" pattern for the
 * delimiter) with LIST-EXTENDED — RFC 5258: selection options (§3.1 SUBSCRIBED answers
 * a deleted folder's name with \NonExistent, §3.5 RECURSIVEMATCH answers a parent of
 * subscribed names with `CHILDINFO ("SUBSCRIBED")`), return options (§3.4 CHILDREN,
 * SUBSCRIBED; RFC 3348 children; RFC 5819 STATUS), RFC 6154 SPECIAL-USE. CREATE does
 * not subscribe (RFC 3501 §6.3.3); the default folders are subscribed. (The
 * LIST-EXTENDED cases were found by Dovecot's imaptest: `listext`, `subscribe`.) The
 * commands and replies are in transcripts/list.imap.
 */
import { describe, it, beforeEach } from 'vitest';
import { subscriptionTree, useImapServer, useImapSession, itRejectsBadSyntax, itReplies } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';

const t = transcripts(import.meta.url, 'list');

describe('LIST (RFC 3501 §6.3.8, RFC 5258, RFC 6154, RFC 3348)', () => {
  const s = useImapServer();

  itReplies(s, 'lists the default folders with special-use and children attributes', (c) =>
    t(c, 'lists the default folders with special-use and children attributes (RFC 3501 §6.3.8, RFC 6154)'),
  );

  itRejectsBadSyntax(s, {
    needsLogin: ['LIST "" *'],
    replies: (c) => t(c, 'syntax errors and the wrong state are BAD'),
  });
});

describe('RFC 5258 LIST-EXTENDED', () => {
  const s = useImapSession();
  beforeEach(() => subscriptionTree(s.c));

  for (const title of [
    '§3.1 LIST (SUBSCRIBED) answers subscribed names, a deleted folder with \\NonExistent',
    '§3.5 RECURSIVEMATCH: CHILDINFO ("SUBSCRIBED") for a parent of subscribed names outside the pattern',
    '§3.4 RETURN (CHILDREN SUBSCRIBED) on a plain LIST; CREATE does not subscribe',
  ]) {
    it(title, () => t(s.c, title));
  }
});
