/**
 * ENABLE — RFC 5161 §3.1: `* ENABLED` lists the extensions newly enabled — here
 * CONDSTORE and QRESYNC (RFC 7162 §3.1, §3.2.3; QRESYNC implies CONDSTORE), IMAP4rev2, UTF8=ACCEPT — and
 * ignores the others; enabling one twice lists it once. Valid only in the
 * authenticated state (§3.1: BAD before login and, here, when a folder is selected);
 * no argument is BAD.
 */
import { describe, it, expect } from 'vitest';
import { expectNeedsLogin, useImapSession, expectReplies } from '../../helpers/imap-session.js';

const s = useImapSession();

describe('ENABLE (RFC 5161 §3.1)', () => {
  it('lists what it enabled, once', async () => {
    await expectReplies(s.c, [
      ['a1 ENABLE CONDSTORE', ['* ENABLED CONDSTORE', 'a1 OK ENABLE completed']],
      ['a2 ENABLE CONDSTORE QRESYNC', ['* ENABLED QRESYNC', 'a2 OK ENABLE completed']],
      ['a3 ENABLE X-UNKNOWN utf8=accept', ['* ENABLED UTF8=ACCEPT', 'a3 OK ENABLE completed']],
    ]);
  });

  it('QRESYNC enabled: expunges are reported as VANISHED (RFC 7162 §3.2.10)', async () => {
    expect(await s.c.cmd('a1 ENABLE qresync')).toEqual(['* ENABLED QRESYNC', 'a1 OK ENABLE completed']);
    expect((await s.c.cmd('a2 SELECT INBOX')).at(-1)).toBe('a2 OK [READ-WRITE] SELECT completed');
    const msg = 'Subject: x\r\n\r\nx\r\n';
    s.c.write(`a3 APPEND INBOX (\\Deleted) {${msg.length}+}\r\n${msg}\r\n`);
    expect((await s.c.until('a3')).at(-1)).toMatch(/^a3 OK /);
    expect(await s.c.cmd('a4 EXPUNGE')).toEqual(['* VANISHED 1', 'a4 OK EXPUNGE completed']);
  });

  it('the wrong state and a missing argument are BAD', async () => {
    await expectNeedsLogin(s.h, ['ENABLE CONDSTORE']);
    expect(await s.c.cmd('b2 ENABLE')).toEqual(['b2 BAD ENABLE: missing capability']);
    await s.c.cmd('b3 SELECT INBOX');
    expect(await s.c.cmd('b4 ENABLE CONDSTORE')).toEqual([expect.stringMatching(/^b4 BAD ENABLE: /)]);
  });
});
