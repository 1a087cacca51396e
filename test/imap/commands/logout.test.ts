/**
 * LOGOUT — RFC 3501 §6.1.3: an untagged BYE, the tagged OK, then the server closes the
 * connection; in every state (a selected folder is left without expunging). Arguments
 * are BAD and the session stays.
 */
import { describe, it, expect } from 'vitest';
import { expectReplies, useImapSession } from '../../helpers/imap-session.js';
import { FLAG_DELETED } from '../../../src/store/flags.js';
import { sampleMessage } from '../../helpers/imap.js';

const s = useImapSession({ messages: [{ raw: sampleMessage('deleted'), flags: FLAG_DELETED }] });
const BYE = ['* BYE gospochta IMAP4rev1 server logging out'];

describe('LOGOUT (RFC 3501 §6.1.3)', () => {
  it('before login: BYE, OK, and the connection closes', async () => {
    const c = await s.h.connect();
    expect(await c.cmd('a1 LOGOUT')).toEqual([...BYE, 'a1 OK LOGOUT completed']);
    expect(await c.rest()).toEqual([]);
    expect(c.closed).toBe(true);
  });

  it('with a folder selected: nothing is expunged', async () => {
    await s.c.cmd('a1 SELECT INBOX');
    expect(await s.c.cmd('a2 LOGOUT')).toEqual([...BYE, 'a2 OK LOGOUT completed']);
    expect(await s.c.rest()).toEqual([]);
    const c = await s.h.connect();
    await c.login(s.user.address, s.user.password);
    expect(await c.cmd('b1 STATUS INBOX (MESSAGES)')).toEqual(['* STATUS INBOX (MESSAGES 1)', 'b1 OK STATUS completed']);
    await c.close();
  });

  it('arguments are BAD and the session stays', async () => {
    await expectReplies(s.c, [
      ['b1 LOGOUT now', ['b1 BAD LOGOUT: unexpected extra arguments']],
      ['b2 NOOP', ['b2 OK NOOP completed']],
    ]);
  });
});
