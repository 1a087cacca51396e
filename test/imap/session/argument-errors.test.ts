/**
 * Argument errors across commands — RFC 3501 §7.1.5 (BAD: a syntax error or a command
 * unknown or not valid in this state; the command is not executed) and §3 (the states):
 * each answers BAD with a reason, and the session goes on. One command's own error
 * cases are in test/imap/commands/<name>.test.ts; these are the runs of many commands
 * in one session. The commands and replies are in transcripts/argument-errors.imap.
 */
import { describe, it, expect } from 'vitest';
import { useImapServer, useImapSession, itReplies } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';

const t = transcripts(import.meta.url, 'argument-errors');

describe('argument errors answer BAD and the session continues', () => {
  const s = useImapServer();

  itReplies(s, 'transcript', (c) => t(c, 'transcript (RFC 3501 §7.1.5)'));

  it('folder commands before login', async () => {
    const c = await s.h.connect();
    await t(c, 'folder commands before login (RFC 3501 §3)');
    await c.close();
  });
});

describe('message commands: argument errors', () => {
  const s = useImapSession({ messages: 5, select: 'INBOX' });

  it('argument errors', async () => {
    await t(s.c, 'argument errors (RFC 3501 §7.1.5)');
    // a command with a literal stays here: a transcript line is one line
    expect(await s.c.cmd('a7 UID APPEND INBOX {1+}\r\nx')).toEqual(['a7 BAD Unknown command UID APPEND']);
  });
});
