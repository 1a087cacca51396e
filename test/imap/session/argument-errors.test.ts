/**
 * Argument errors across commands — RFC 3501 §7.1.5 (BAD: a syntax error or a command
 * unknown or not valid in this state; the command is not executed) and §3 (the states):
 * each answers BAD with a reason, and the session goes on. One command's own error
 * cases are in test/imap/commands/<name>.test.ts; these are the runs of many commands
 * in one session.
 */
import { describe, it, expect } from 'vitest';
import { useImapServer, useImapSession } from '../../helpers/imap-session.js';

describe('argument errors answer BAD and the session continues', () => {
  const s = useImapServer();

  it('transcript', async () => {
    const { c } = await s.session();
    expect(await c.cmd('z1 CREATE')).toEqual(['z1 BAD CREATE: missing mailbox name']);
    expect(await c.cmd('z2 RENAME a')).toEqual(['z2 BAD RENAME: missing new mailbox name']);
    expect(await c.cmd('z3 STATUS INBOX')).toEqual(['z3 BAD STATUS: missing status item list']);
    expect(await c.cmd('z4 STATUS INBOX MESSAGES')).toEqual(['z4 BAD STATUS: status item list must be a parenthesized list']);
    expect(await c.cmd('z5 SELECT INBOX extra (x)')).toEqual(['z5 BAD SELECT: select parameters must be a parenthesized list']);
    expect(await c.cmd('z6 LIST "" * RETURN (STATUS)')).toEqual(['z6 BAD LIST: RETURN STATUS needs a list of items']);
    expect(await c.cmd('z7 ENABLE')).toEqual(['z7 BAD ENABLE: missing capability']);
    expect(await c.cmd('z8 LSUB "" (a b)')).toEqual(['z8 BAD LSUB: one pattern only']);
    expect(await c.cmd('z9 SUBSCRIBE')).toEqual(['z9 BAD SUBSCRIBE: missing mailbox name']);
    expect(await c.cmd('z10 DELETE a b')).toEqual(['z10 BAD DELETE: unexpected extra arguments']);
    expect(await c.cmd('z11 EXAMINE')).toEqual(['z11 BAD EXAMINE: missing mailbox name']);
    expect(await c.cmd('z12 UNSUBSCRIBE "a')).toEqual(['z12 BAD Unterminated quoted string']);
    expect(await c.cmd('z13 CLOSE')).toEqual(['z13 BAD CLOSE: select a folder first']);
    expect(await c.cmd('z14 NOOP')).toEqual(['z14 OK NOOP completed']);
    await c.close();
  });

  it('folder commands before login', async () => {
    const c = await s.h.connect();
    for (const cmd of ['LIST "" *', 'LSUB "" *', 'CREATE x', 'DELETE x', 'RENAME x y', 'SUBSCRIBE x', 'UNSUBSCRIBE x', 'STATUS x (MESSAGES)', 'SELECT x', 'EXAMINE x', 'NAMESPACE', 'ENABLE CONDSTORE']) {
      const name = cmd.split(' ')[0]!;
      expect(await c.cmd(`p ${cmd}`)).toEqual([`p BAD ${name}: authenticate first`]);
    }
    await c.close();
  });
});

describe('message commands: argument errors', () => {
  const s = useImapSession({ messages: 5, select: 'INBOX' });

  it('argument errors', async () => {
    expect(await s.c.cmd('a1 UID EXPUNGE')).toEqual(['a1 BAD UID EXPUNGE: missing sequence set']);
    expect(await s.c.cmd('a2 EXPUNGE 1')).toEqual(['a2 BAD EXPUNGE: unexpected extra arguments']);
    expect(await s.c.cmd('a3 COPY 1')).toEqual(['a3 BAD COPY: missing mailbox name']);
    expect(await s.c.cmd('a4 UID MOVE')).toEqual(['a4 BAD MOVE: missing sequence set']);
    expect(await s.c.cmd('a5 IDLE now')).toEqual(['a5 BAD IDLE: unexpected extra arguments']);
    expect(await s.c.cmd('a6 UID IDLE')).toEqual(['a6 BAD Unknown command UID IDLE']);
    expect(await s.c.cmd('a7 UID APPEND INBOX {1+}\r\nx')).toEqual(['a7 BAD Unknown command UID APPEND']);
  });
});
