/**
 * SUBSCRIBE / UNSUBSCRIBE — RFC 3501 §6.3.6, §6.3.7 (existing folders only: a missing
 * one is NO [NONEXISTENT], RFC 5530), and LSUB — RFC 3501 §6.3.9: the subscribed
 * names; with % an unsubscribed parent of a subscribed name is returned as \Noselect;
 * a subscription outlives its folder (RFC 5258 §3.1).
 */
import { describe, it, expect, beforeEach } from 'vitest';
import { expectReplies, subscriptionTree, useImapServer, useImapSession, itReplies } from '../../helpers/imap-session.js';

describe('SUBSCRIBE, UNSUBSCRIBE, LSUB (RFC 3501 §6.3.6–9)', () => {
  const s = useImapServer();

  itReplies(s, 'SUBSCRIBE / UNSUBSCRIBE / LSUB', [
    ['e1 UNSUBSCRIBE Junk', ['e1 OK UNSUBSCRIBE completed']],
    ['e2 LSUB "" *', [
      '* LSUB () "/" INBOX',
      '* LSUB () "/" Archive',
      '* LSUB () "/" Drafts',
      '* LSUB () "/" Sent',
      '* LSUB () "/" Trash',
      'e2 OK LSUB completed',
    ]],
    ['e3 LIST (SUBSCRIBED) "" J*', ['e3 OK LIST completed']],
    ['e4 SUBSCRIBE Junk', ['e4 OK SUBSCRIBE completed']],
    ['e5 LSUB "" J*', ['* LSUB () "/" Junk', 'e5 OK LSUB completed']],
    ['e6 SUBSCRIBE nope', ['e6 NO [NONEXISTENT] folder nope not found']],
  ]);

  it('an unsubscribed parent of a subscribed folder is returned as \\Noselect', async () => {
    const { c } = await s.session();
    await c.cmd('l1 CREATE Work/Reports');
    await c.cmd('l2 SUBSCRIBE Work/Reports');
    await expectReplies(c, [
      ['l3 LSUB "" W%', ['* LSUB (\\Noselect) "/" Work', 'l3 OK LSUB completed']],
      ['l4 LSUB "" W*', ['* LSUB () "/" Work/Reports', 'l4 OK LSUB completed']],
      ['l5 LIST (SUBSCRIBED RECURSIVEMATCH) "" W%', [
        '* LIST (\\HasChildren) "/" Work ("CHILDINFO" ("SUBSCRIBED"))',
        'l5 OK LIST completed',
      ]],
    ]);
    await c.close();
  });

  it('syntax errors and the wrong state are BAD', async () => {
    const before = await s.h.connect();
    for (const cmd of ['SUBSCRIBE x', 'UNSUBSCRIBE x', 'LSUB "" *']) {
      const name = cmd.split(' ')[0]!;
      expect(await before.cmd(`a ${cmd}`)).toEqual([`a BAD ${name}: authenticate first`]);
    }
    await before.close();
    const { c } = await s.session();
    await expectReplies(c, [
      ['b1 SUBSCRIBE', ['b1 BAD SUBSCRIBE: missing mailbox name']],
      ['b2 UNSUBSCRIBE', ['b2 BAD UNSUBSCRIBE: missing mailbox name']],
      ['b3 LSUB "" (a b)', ['b3 BAD LSUB: one pattern only']],
      ['b4 UNSUBSCRIBE "a', ['b4 BAD Unterminated quoted string']],
      ['b5 UNSUBSCRIBE nope', [expect.stringMatching(/^b5 (OK|NO) /)]],
    ]);
    await c.close();
  });
});

describe('RFC 5258 LIST-EXTENDED', () => {
  const s = useImapSession();
  beforeEach(() => subscriptionTree(s.c));

  it('RFC 3501 §6.3.9 LSUB with %: an unsubscribed parent is \\Noselect', async () => {
    expect(await s.c.cmd('d1 LSUB "" t/%')).toEqual([
      '* LSUB () "/" t/a',
      '* LSUB (\\Noselect) "/" t/b',
      '* LSUB (\\Noselect) "/" t/e',
      '* LSUB (\\Noselect) "/" t/f',
      '* LSUB () "/" t/gone',
      'd1 OK LSUB completed',
    ]);
  });
});
