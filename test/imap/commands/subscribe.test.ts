/**
 * SUBSCRIBE / UNSUBSCRIBE — RFC 3501 §6.3.6, §6.3.7 (existing folders only: a missing
 * one is NO [NONEXISTENT], RFC 5530), and LSUB — RFC 3501 §6.3.9: the subscribed
 * names; with % an unsubscribed parent of a subscribed name is returned as \Noselect;
 * a subscription outlives its folder (RFC 5258 §3.1). The commands and replies are in
 * transcripts/subscribe.imap.
 */
import { describe, it, beforeEach } from 'vitest';
import { subscriptionTree, useImapServer, useImapSession, itReplies } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';

const t = transcripts(import.meta.url, 'subscribe');

describe('SUBSCRIBE, UNSUBSCRIBE, LSUB (RFC 3501 §6.3.6–9)', () => {
  const s = useImapServer();

  itReplies(s, 'SUBSCRIBE / UNSUBSCRIBE / LSUB', (c) => t(c, 'SUBSCRIBE / UNSUBSCRIBE / LSUB (RFC 3501 §6.3.6–9)'));

  itReplies(s, 'an unsubscribed parent of a subscribed folder is returned as \\Noselect', (c) =>
    t(c, 'an unsubscribed parent of a subscribed folder is returned as \\Noselect (RFC 3501 §6.3.9)'),
  );

  it('syntax errors and the wrong state are BAD', async () => {
    const before = await s.h.connect();
    await t(before, 'syntax errors and the wrong state are BAD: before login');
    await before.close();
    const { c } = await s.session();
    await t(c, 'syntax errors and the wrong state are BAD: after login');
    await c.close();
  });
});

describe('RFC 5258 LIST-EXTENDED', () => {
  const s = useImapSession();
  beforeEach(() => subscriptionTree(s.c));

  it('RFC 3501 §6.3.9 LSUB with %: an unsubscribed parent is \\Noselect', () => t(s.c, 'RFC 3501 §6.3.9 LSUB with %: an unsubscribed parent is \\Noselect'));
});
