/**
 * EXPUNGE — RFC 3501 §6.4.3: each removed message reported with the sequence numbers
 * valid at the time; UID EXPUNGE — RFC 4315 §2.1: only the named \Deleted messages;
 * with QRESYNC enabled, VANISHED instead (RFC 7162 §3.2.10); other sessions get
 * EXPUNGE at NOOP, never during FETCH (RFC 3501 §7.4.1).
 */
import { describe, it, expect } from 'vitest';
import { expectReplies, useImapSession } from '../../helpers/imap-session.js';

const s = useImapSession({ messages: 5, select: 'INBOX' });

describe('EXPUNGE', () => {
  it('reports each removed message with numbers valid at the time, highest first', async () => {
    await s.c.cmd('a1 STORE 2,4,5 +FLAGS.SILENT (\\Deleted)');
    await expectReplies(s.c, [
      ['a2 EXPUNGE', ['* 5 EXPUNGE', '* 4 EXPUNGE', '* 2 EXPUNGE', 'a2 OK EXPUNGE completed']],
      ['a3 FETCH 1:* UID', ['* 1 FETCH (UID 1)', '* 2 FETCH (UID 3)', 'a3 OK FETCH completed']],
    ]);
  });

  it('UID EXPUNGE removes only the named \\Deleted messages (RFC 4315)', async () => {
    await s.c.cmd('a1 STORE 1:3 +FLAGS.SILENT (\\Deleted)');
    expect(await s.c.cmd('a2 UID EXPUNGE 2:10')).toEqual(['* 3 EXPUNGE', '* 2 EXPUNGE', 'a2 OK UID EXPUNGE completed']);
    expect(await s.c.cmd('a3 UID FETCH 1:* FLAGS')).toHaveLength(4);
  });

  it('with QRESYNC: VANISHED instead of EXPUNGE', async () => {
    await s.c.cmd('e0 UNSELECT');
    expect(await s.c.cmd('e1 ENABLE QRESYNC')).toEqual(['* ENABLED QRESYNC', 'e1 OK ENABLE completed']);
    await s.c.cmd('e2 SELECT INBOX');
    await s.c.cmd('a1 STORE 1,3 +FLAGS.SILENT (\\Deleted)');
    const r = await s.c.cmd('a2 EXPUNGE');
    expect(r).toEqual(['* VANISHED 1,3', 'a2 OK EXPUNGE completed']);
  });

  it('another session gets EXPUNGE at NOOP but not during FETCH (§7.4.1)', async () => {
    const d = await s.h.connect();
    await d.login(s.user.address, s.user.password);
    await d.cmd('t1 SELECT INBOX');
    await s.c.cmd('a1 STORE 1 +FLAGS.SILENT (\\Deleted)');
    await s.c.cmd('a2 EXPUNGE');
    await expectReplies(d, [
      ['t2 FETCH 2 UID', ['* 2 FETCH (UID 2)', 't2 OK FETCH completed']],
      ['t3 NOOP', ['* 1 EXPUNGE', 't3 OK NOOP completed']],
    ]);
    await d.close();
  });

  it('syntax errors and the wrong state are BAD', async () => {
    await expectReplies(s.c, [
      ['b1 EXPUNGE x', ['b1 BAD EXPUNGE: unexpected extra arguments']],
      ['b2 UID EXPUNGE x', [expect.stringMatching(/^b2 BAD /)]],
      ['b3 UNSELECT', ['b3 OK UNSELECT completed']],
      ['b4 EXPUNGE', ['b4 BAD EXPUNGE: select a folder first']],
      ['b5 UID EXPUNGE 1', ['b5 BAD EXPUNGE: select a folder first']],
    ]);
  });
});
