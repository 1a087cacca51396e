/**
 * STORE / UID STORE — RFC 3501 §6.4.6, §6.4.8: FLAGS, +FLAGS, -FLAGS, .SILENT and
 * keywords; a new keyword is announced with FLAGS and PERMANENTFLAGS (§7.2.6); \Recent
 * cannot be set; a read-only folder refuses with NO [CANNOT]; RFC 7162 §3.1.3
 * UNCHANGEDSINCE with [MODIFIED]; other sessions see the change as FETCH FLAGS (§7.4.2).
 */
import { describe, it, expect } from 'vitest';
import { expectReplies, useImapSession } from '../../helpers/imap-session.js';

const s = useImapSession({ messages: 5, select: 'INBOX' });

describe('STORE', () => {
  it('+FLAGS, -FLAGS, FLAGS, keywords, .SILENT, UID STORE', async () => {
    await expectReplies(s.c, [
      ['a1 STORE 1:2 +FLAGS (\\Flagged $Work)', [
        '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)',
        '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work \\*)] Flags permitted',
        '* 1 FETCH (FLAGS (\\Flagged $Work \\Recent))',
        '* 2 FETCH (FLAGS (\\Flagged $Work \\Recent))',
        'a1 OK STORE completed',
      ]],
      ['a2 STORE 1 -FLAGS ($work)', ['* 1 FETCH (FLAGS (\\Flagged \\Recent))', 'a2 OK STORE completed']],
      ['a3 STORE 2 FLAGS.SILENT (\\Seen)', ['a3 OK STORE completed']],
      ['a4 UID STORE 2 +FLAGS \\Answered', ['* 2 FETCH (UID 2 FLAGS (\\Seen \\Answered \\Recent))', 'a4 OK UID STORE completed']],
      ['a5 FETCH 1:2 FLAGS', [
        '* 1 FETCH (FLAGS (\\Flagged \\Recent))',
        '* 2 FETCH (FLAGS (\\Seen \\Answered \\Recent))',
        'a5 OK FETCH completed',
      ]],
    ]);
  });

  it('errors: bad syntax, \\Recent, read-only folder', async () => {
    await expectReplies(s.c, [
      ['b1 STORE 1 FLAGS (\\Recent)', ['b1 BAD Flag \\Recent cannot be set']],
      ['b2 STORE 1 XFLAGS (\\Seen)', ['b2 BAD STORE: unknown data item "XFLAGS"']],
      ['b3 STORE 1', ['b3 BAD STORE: missing data item']],
    ]);
    await s.c.cmd('b4 EXAMINE INBOX');
    await expectReplies(s.c, [
      ['b5 STORE 1 +FLAGS (\\Seen)', ['b5 NO [CANNOT] The folder is selected read-only (EXAMINE)']],
      ['b6 EXPUNGE', ['b6 NO [CANNOT] The folder is selected read-only (EXAMINE)']],
    ]);
  });

  it('UNCHANGEDSINCE: [MODIFIED] for messages changed since (RFC 7162 §3.1.3)', async () => {
    const r = await s.c.cmd('c1 FETCH 1:2 (MODSEQ)');
    const m1 = Number(/MODSEQ \((\d+)\)/.exec(r[0]!)![1]);
    const r2 = await s.c.cmd('c2 STORE 2 +FLAGS (\\Seen)');
    const m2 = Number(/MODSEQ \((\d+)\)/.exec(r2[0]!)![1]);
    expect(m2).toBeGreaterThan(m1);
    const r3 = await s.c.cmd(`c3 STORE 1:2 (UNCHANGEDSINCE ${m2 - 1}) +FLAGS (\\Flagged)`);
    expect(r3).toEqual([`* 1 FETCH (FLAGS (\\Flagged \\Recent) MODSEQ (${m2 + 1}))`, 'c3 OK [MODIFIED 2] Conditional STORE failed for some messages']);
  });

  it('another session sees the change as FETCH FLAGS', async () => {
    const d = await s.h.connect();
    await d.login(s.user.address, s.user.password);
    await d.cmd('t1 SELECT INBOX');
    await s.c.cmd('a1 STORE 3 +FLAGS.SILENT (\\Flagged)');
    expect(await d.cmd('t2 NOOP')).toEqual(['* 3 FETCH (UID 3 FLAGS (\\Flagged))', 't2 OK NOOP completed']);
    await d.close();
  });
});

describe('STORE in the wrong state', () => {
  const t = useImapSession({ messages: 1 });

  it('before SELECT, and before login, STORE is BAD', async () => {
    await expectReplies(t.c, [
      ['a1 STORE 1 +FLAGS (\\Seen)', ['a1 BAD STORE: select a folder first']],
      ['a2 UID STORE 1 +FLAGS (\\Seen)', ['a2 BAD STORE: select a folder first']],
    ]);
    const before = await t.h.connect();
    expect(await before.cmd('b1 STORE 1 +FLAGS (\\Seen)')).toEqual(['b1 BAD STORE: authenticate first']);
    await before.close();
  });
});
