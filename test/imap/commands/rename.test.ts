/**
 * RENAME — RFC 3501 §6.3.5: the folder and its inferiors are renamed; renaming INBOX
 * moves its messages to the new folder and leaves INBOX empty; an existing target is
 * NO [ALREADYEXISTS], a missing source NO [NONEXISTENT] (RFC 5530).
 */
import { describe, it, expect } from 'vitest';
import { sampleMessage } from '../../helpers/imap.js';
import { expectNeedsLogin, expectReplies, useImapServer } from '../../helpers/imap-session.js';

const s = useImapServer();

describe('RENAME (RFC 3501 §6.3.5)', () => {
  it('RENAME with children; INBOX moves its messages', async () => {
    const { h } = s;
    const { c, user } = await s.session();
    const mailboxId = user.mailboxId;
    await c.cmd('d1 CREATE x/y/z');
    expect(await c.cmd('d2 RENAME x w')).toEqual(['d2 OK RENAME completed']);
    expect(await c.cmd('d3 LIST "" w*')).toEqual([
      '* LIST (\\HasChildren) "/" w',
      '* LIST (\\HasChildren) "/" w/y',
      '* LIST (\\HasNoChildren) "/" w/y/z',
      'd3 OK LIST completed',
    ]);
    expect(await c.cmd('d4 RENAME w Sent')).toEqual(['d4 NO [ALREADYEXISTS] folder "Sent" already exists']);
    expect(await c.cmd('d5 RENAME nope q')).toEqual(['d5 NO [NONEXISTENT] folder nope not found']);
    h.addMessage(mailboxId, 'INBOX', sampleMessage('one'));
    h.addMessage(mailboxId, 'INBOX', sampleMessage('two'));
    expect(await c.cmd('d6 RENAME INBOX Old')).toEqual(['d6 OK RENAME completed']);
    expect(await c.cmd('d7 STATUS Old (MESSAGES)')).toEqual(['* STATUS Old (MESSAGES 2)', 'd7 OK STATUS completed']);
    expect(await c.cmd('d8 STATUS INBOX (MESSAGES)')).toEqual(['* STATUS INBOX (MESSAGES 0)', 'd8 OK STATUS completed']);
    await c.close();
  });

  it('syntax errors and the wrong state are BAD', async () => {
    await expectNeedsLogin(s.h, ['RENAME x y']);
    const { c } = await s.session();
    await expectReplies(c, [
      ['b1 RENAME', ['b1 BAD RENAME: missing existing mailbox name']],
      ['b2 RENAME a', ['b2 BAD RENAME: missing new mailbox name']],
      ['b3 RENAME a b c', ['b3 BAD RENAME: unexpected extra arguments']],
    ]);
    await c.close();
  });
});
