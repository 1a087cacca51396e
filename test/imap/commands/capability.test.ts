/**
 * CAPABILITY — RFC 3501 §6.1.1: one untagged CAPABILITY listing IMAP4rev1, then OK, in
 * every state; before login the list names the login mechanisms (AUTH=PLAIN, SASL-IR,
 * RFC 4959) and after login the extensions (IDLE, NAMESPACE, ENABLE, CONDSTORE, …),
 * as the LOGIN reply's [CAPABILITY] code does (RFC 3501 §7.1). Arguments are BAD.
 */
import { describe, it, expect } from 'vitest';
import { expectReplies, useImapSession } from '../../helpers/imap-session.js';

const PRE = 'IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR AUTH=PLAIN ID ENABLE';
const s = useImapSession({ once: true, login: false });

describe('CAPABILITY (RFC 3501 §6.1.1)', () => {
  it('before login: the greeting and CAPABILITY list the same capabilities', async () => {
    const c = await s.h.connect();
    expect(c.greeting).toBe(`* OK [CAPABILITY ${PRE}] imap.test gospochta IMAP4rev1 ready`);
    expect(await c.cmd('a1 CAPABILITY')).toEqual([`* CAPABILITY ${PRE}`, 'a1 OK CAPABILITY completed']);
    await c.close();
  });

  it('after login: the list the LOGIN reply gave, without AUTH=; the same when a folder is selected', async () => {
    const c = await s.h.connect();
    const login = await c.cmd(`a1 LOGIN "${s.user.address}" "${s.user.password}"`);
    const announced = /^a1 OK \[CAPABILITY (.*)\] Logged in$/.exec(login[0]!)![1]!;
    expect(announced.split(' ')).toEqual(expect.arrayContaining(['IMAP4rev1', 'IDLE', 'NAMESPACE', 'ENABLE', 'CONDSTORE', 'QRESYNC', 'UIDPLUS', 'MOVE']));
    expect(announced).not.toContain('AUTH=');
    expect(await c.cmd('a2 CAPABILITY')).toEqual([`* CAPABILITY ${announced}`, 'a2 OK CAPABILITY completed']);
    await c.cmd('a3 SELECT INBOX');
    expect(await c.cmd('a4 CAPABILITY')).toEqual([`* CAPABILITY ${announced}`, 'a4 OK CAPABILITY completed']);
    await c.close();
  });

  it('arguments are BAD, and the session goes on', async () => {
    const c = await s.h.connect();
    await expectReplies(c, [
      ['b1 CAPABILITY IMAP4rev1', ['b1 BAD CAPABILITY: unexpected extra arguments']],
      ['b2 CAPABILITY', [`* CAPABILITY ${PRE}`, 'b2 OK CAPABILITY completed']],
    ]);
    await c.close();
  });
});
