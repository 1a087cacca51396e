/**
 * IDLE — RFC 2177 §3: `+ idling`, then the changes of the selected folder made in
 * other sessions (EXISTS, FETCH FLAGS, EXPUNGE) as they happen, until `DONE`; a line
 * other than DONE is BAD. DONE and the next command may come in one packet (Apple
 * Mail sends them so). The fan-out to several sessions is in
 * test/imap/session/updates.test.ts.
 */
import { describe, it, expect } from 'vitest';
import { sampleMessage } from '../../helpers/imap.js';
import { expectNeedsLogin, expectReplies, useImapSession } from '../../helpers/imap-session.js';

const s = useImapSession({ config: { imap: { maxLiteralBytes: 200_000 }, limits: { attachmentBytes: 1000 } } });

describe('IDLE', () => {
  it('pushes EXISTS, FETCH and EXPUNGE from other sessions; DONE ends it', async () => {
    await s.c.cmd('a1 SELECT INBOX');
    s.c.send('a2 IDLE');
    expect(await s.c.line()).toBe('+ idling');
    const uid = s.h.addMessage(s.user.mailboxId, 'INBOX', sampleMessage('pushed'));
    expect(await s.c.line()).toBe('* 1 EXISTS');
    expect(await s.c.line()).toBe('* 1 RECENT');
    const d = await s.h.connect();
    await d.login(s.user.address, s.user.password);
    await d.cmd('t1 SELECT INBOX');
    await d.cmd(`t2 UID STORE ${uid} +FLAGS.SILENT (\\Deleted)`);
    expect(await s.c.line()).toBe('* 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))');
    await d.cmd('t3 EXPUNGE');
    expect(await s.c.line()).toBe('* 1 EXPUNGE');
    s.c.send('DONE');
    expect(await s.c.line()).toBe('a2 OK IDLE terminated');
    await d.close();
  });

  it('DONE and the next command in one packet (Apple Mail)', async () => {
    await s.c.cmd('a1 SELECT INBOX');
    s.c.send('a2 IDLE');
    expect(await s.c.line()).toBe('+ idling');
    s.c.write('DONE\r\na3 NOOP\r\n');
    expect(await s.c.until('a3')).toEqual(['a2 OK IDLE terminated', 'a3 OK NOOP completed']);
  });

  it('a line other than DONE is BAD', async () => {
    s.c.send('a2 IDLE');
    expect(await s.c.line()).toBe('+ idling');
    s.c.send('NOPE');
    expect(await s.c.line()).toBe('a2 BAD Expected DONE to end IDLE');
  });

  it('syntax errors and the wrong state are BAD', async () => {
    await expectReplies(s.c, [
      ['b1 IDLE now', ['b1 BAD IDLE: unexpected extra arguments']],
      ['b2 NOOP', ['b2 OK NOOP completed']],
    ]);
    await expectNeedsLogin(s.h, ['IDLE']);
  });
});
