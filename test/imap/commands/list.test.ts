/**
 * LIST — RFC 3501 §6.3.8 (reference and pattern, % and *, the "" pattern for the
 * delimiter) with LIST-EXTENDED — RFC 5258: selection options (§3.1 SUBSCRIBED answers
 * a deleted folder's name with \NonExistent, §3.5 RECURSIVEMATCH answers a parent of
 * subscribed names with `CHILDINFO ("SUBSCRIBED")`), return options (§3.4 CHILDREN,
 * SUBSCRIBED; RFC 3348 children; RFC 5819 STATUS), RFC 6154 SPECIAL-USE. CREATE does
 * not subscribe (RFC 3501 §6.3.3); the default folders are subscribed. (The
 * LIST-EXTENDED cases were found by Dovecot's imaptest: `listext`, `subscribe`.)
 */
import { describe, it, expect, beforeEach } from 'vitest';
import { expectReplies, subscriptionTree, useImapServer, useImapSession, itRejectsBadSyntax, itReplies } from '../../helpers/imap-session.js';

describe('LIST (RFC 3501 §6.3.8, RFC 5258, RFC 6154, RFC 3348)', () => {
  const s = useImapServer();

  itReplies(s, 'lists the default folders with special-use and children attributes', [
    ['a1 LIST "" ""', ['* LIST (\\Noselect) "/" ""', 'a1 OK LIST completed']],
    ['a2 LIST "" *', [
      '* LIST (\\HasNoChildren) "/" INBOX',
      '* LIST (\\HasNoChildren \\Archive) "/" Archive',
      '* LIST (\\HasNoChildren \\Drafts) "/" Drafts',
      '* LIST (\\HasNoChildren \\Junk) "/" Junk',
      '* LIST (\\HasNoChildren \\Sent) "/" Sent',
      '* LIST (\\HasNoChildren \\Trash) "/" Trash',
      'a2 OK LIST completed',
    ]],
    ['a3 LIST "" inbox', ['* LIST (\\HasNoChildren) "/" INBOX', 'a3 OK LIST completed']],
    ['a4 LIST (SPECIAL-USE) "" "*" RETURN (SUBSCRIBED)', [
      '* LIST (\\HasNoChildren \\Archive \\Subscribed) "/" Archive',
      '* LIST (\\HasNoChildren \\Drafts \\Subscribed) "/" Drafts',
      '* LIST (\\HasNoChildren \\Junk \\Subscribed) "/" Junk',
      '* LIST (\\HasNoChildren \\Sent \\Subscribed) "/" Sent',
      '* LIST (\\HasNoChildren \\Trash \\Subscribed) "/" Trash',
      'a4 OK LIST completed',
    ]],
    ['a5 LIST "" (INBOX Sent) RETURN (STATUS (MESSAGES UNSEEN))', [
      '* LIST (\\HasNoChildren) "/" INBOX',
      '* STATUS INBOX (MESSAGES 0 UNSEEN 0)',
      '* LIST (\\HasNoChildren \\Sent) "/" Sent',
      '* STATUS Sent (MESSAGES 0 UNSEEN 0)',
      'a5 OK LIST completed',
    ]],
    ['a6 LIST (BOGUS) "" *', ['a6 BAD LIST: unknown selection option BOGUS']],
    ['a7 LIST ""', ['a7 BAD LIST: missing mailbox pattern']],
  ]);

  itRejectsBadSyntax(s, {
    needsLogin: ['LIST "" *'],
    replies: [
      ['b1 LIST', ['b1 BAD LIST: missing reference']],
      ['b2 LIST "" * RETURN (STATUS)', ['b2 BAD LIST: RETURN STATUS needs a list of items']],
      ['b3 LIST "" * RETURN (BOGUS)', [expect.stringMatching(/^b3 BAD LIST: /)]],
      ['b4 LIST "" INBOX', ['* LIST (\\HasNoChildren) "/" INBOX', 'b4 OK LIST completed']],
    ],
  });
});

describe('RFC 5258 LIST-EXTENDED', () => {
  const s = useImapSession();
  beforeEach(() => subscriptionTree(s.c));

  it('§3.1 LIST (SUBSCRIBED) answers subscribed names, a deleted folder with \\NonExistent', async () => {
    await expectReplies(s.c, [
      ['a1 LIST (SUBSCRIBED) "" t/*', [
        '* LIST (\\HasNoChildren \\Subscribed) "/" t/a',
        '* LIST (\\HasNoChildren \\Subscribed) "/" t/b/x',
        '* LIST (\\HasNoChildren \\Subscribed) "/" t/e/e',
        '* LIST (\\HasNoChildren \\Subscribed) "/" t/f/f',
        '* LIST (\\HasNoChildren \\Subscribed) "/" t/f/g',
        '* LIST (\\Subscribed \\NonExistent) "/" t/gone',
        'a1 OK LIST completed',
      ]],
      ['a2 LSUB "" t/gone', ['* LSUB () "/" t/gone', 'a2 OK LSUB completed']],
      ['a3 UNSUBSCRIBE t/gone', ['a3 OK UNSUBSCRIBE completed']],
      ['a4 LIST (SUBSCRIBED) "" t/gone', ['a4 OK LIST completed']],
    ]);
  });

  it('§3.5 RECURSIVEMATCH: CHILDINFO ("SUBSCRIBED") for a parent of subscribed names outside the pattern', async () => {
    await expectReplies(s.c, [
      ['b1 LIST (SUBSCRIBED RECURSIVEMATCH) "" t/b% RETURN (CHILDREN)', [
        '* LIST (\\HasChildren) "/" t/b ("CHILDINFO" ("SUBSCRIBED"))',
        'b1 OK LIST completed',
      ]],
      ['b2 LIST (SUBSCRIBED RECURSIVEMATCH) "" t*/e', [
        '* LIST (\\HasNoChildren \\Subscribed) "/" t/e/e',
        'b2 OK LIST completed',
      ]],
      ['b3 LIST (SUBSCRIBED RECURSIVEMATCH) "" t*f', [
        '* LIST (\\HasChildren) "/" t/f ("CHILDINFO" ("SUBSCRIBED"))',
        '* LIST (\\HasNoChildren \\Subscribed) "/" t/f/f',
        'b3 OK LIST completed',
      ]],
      ['b4 LIST (SUBSCRIBED RECURSIVEMATCH) "" (t/b t/b/x)', [
        '* LIST (\\HasNoChildren \\Subscribed) "/" t/b/x',
        'b4 OK LIST completed',
      ]],
      ['b5 LIST (RECURSIVEMATCH) "" %', [expect.stringMatching(/^b5 BAD /)]],
    ]);
  });

  it('§3.4 RETURN (CHILDREN SUBSCRIBED) on a plain LIST; CREATE does not subscribe', async () => {
    await expectReplies(s.c, [
      ['c1 LIST "" t/% RETURN (CHILDREN SUBSCRIBED)', [
        '* LIST (\\HasNoChildren \\Subscribed) "/" t/a',
        '* LIST (\\HasChildren) "/" t/b',
        '* LIST (\\HasNoChildren) "/" t/c',
        '* LIST (\\HasChildren) "/" t/d',
        '* LIST (\\HasChildren) "/" t/e',
        '* LIST (\\HasChildren) "/" t/f',
        'c1 OK LIST completed',
      ]],
      ['c2 LIST "" Sent RETURN (SUBSCRIBED)', ['* LIST (\\HasNoChildren \\Sent \\Subscribed) "/" Sent', 'c2 OK LIST completed']],
    ]);
  });
});
