/**
 * SELECT / EXAMINE — RFC 3501 §6.3.1 (FLAGS, EXISTS, RECENT, [UNSEEN], [PERMANENTFLAGS],
 * [UIDVALIDITY], [UIDNEXT], [READ-WRITE]), §6.3.2 (EXAMINE: [READ-ONLY]), §7.1.5 (a BAD
 * command is not executed); RFC 7162 §3.1.2.1 [HIGHESTMODSEQ], §3.2.5 the QRESYNC
 * parameter (VANISHED (EARLIER) and changed flags; src/imap/commands/select-qresync.ts),
 * §3.2.6 UID FETCH … VANISHED; RFC 5530 [CLOSED], [NONEXISTENT].
 */
import { describe, it, expect } from 'vitest';
import { sampleMessage } from '../../helpers/imap.js';
import { expectReplies, useImapServer, useImapSession, itRejectsBadSyntax } from '../../helpers/imap-session.js';
import { FLAG_SEEN, FLAG_DELETED } from '../../../src/store/flags.js';

describe('SELECT, EXAMINE (RFC 3501 §6.3.1–2)', () => {
  const s = useImapServer();

  it('SELECT reports the folder, claims \\Recent; EXAMINE is read-only', async () => {
    const { h } = s;
    const { c, user, mailboxId } = await s.session([{ raw: sampleMessage('a'), flags: FLAG_SEEN }, sampleMessage('b'), { raw: sampleMessage('c'), flags: FLAG_DELETED }]);
    const v = s.uidvalidity(mailboxId, 'INBOX');
    // RFC 8474 §4.1: the folder's MAILBOXID
    const mailboxObjectId = `F${h.db.prepare("SELECT id FROM folders WHERE mailbox_id = ? AND name = 'INBOX'").pluck().get(mailboxId) as number}-${v}`;
    const flags = '\\Answered \\Flagged \\Deleted \\Seen \\Draft';
    expect(await c.cmd('g1 SELECT INBOX')).toEqual([
      `* FLAGS (${flags})`,
      `* OK [PERMANENTFLAGS (${flags} \\*)] Flags permitted`,
      '* 3 EXISTS',
      '* 3 RECENT',
      '* OK [UNSEEN 2] First unseen',
      `* OK [UIDVALIDITY ${v}] UIDs valid`,
      '* OK [UIDNEXT 4] Predicted next UID',
      '* OK [HIGHESTMODSEQ 4] Highest',
      `* OK [MAILBOXID (${mailboxObjectId})] Ok`,
      'g1 OK [READ-WRITE] SELECT completed',
    ]);
    // a second session sees no \Recent
    const d = await h.connect();
    await d.login(user.address, user.password);
    expect(await d.cmd('h1 EXAMINE INBOX')).toEqual([
      `* FLAGS (${flags})`,
      '* OK [PERMANENTFLAGS ()] No permanent flags permitted',
      '* 3 EXISTS',
      '* 0 RECENT',
      '* OK [UNSEEN 2] First unseen',
      `* OK [UIDVALIDITY ${v}] UIDs valid`,
      '* OK [UIDNEXT 4] Predicted next UID',
      '* OK [HIGHESTMODSEQ 4] Highest',
      `* OK [MAILBOXID (${mailboxObjectId})] Ok`,
      'h1 OK [READ-ONLY] EXAMINE completed',
    ]);
    // a new message reaches both sessions at the next command
    h.addMessage(mailboxId, 'INBOX', sampleMessage('d'));
    expect(await c.cmd('g2 NOOP')).toEqual(['* 4 EXISTS', '* 4 RECENT', 'g2 OK NOOP completed']);
    await expectReplies(d, [
      ['h2 CHECK', ['* 4 EXISTS', '* 0 RECENT', 'h2 OK CHECK completed']],
      ['h3 CLOSE', ['h3 OK CLOSE completed']],
    ]);
    expect(await d.cmd('h4 SELECT INBOX')).toContain('* 4 EXISTS');
    await expectReplies(c, [
      ['g3 CLOSE', ['g3 OK CLOSE completed']],
      ['g4 CLOSE', ['g4 BAD CLOSE: select a folder first']],
    ]);
    await expectReplies(d, [
      ['h5 NOOP', ['* 3 EXPUNGE', 'h5 OK NOOP completed']],
      ['h6 UNSELECT', ['h6 OK UNSELECT completed']],
      ['h7 UNSELECT', ['h7 BAD UNSELECT: select a folder first']],
    ]);
    await c.close();
    await d.close();
  });

  it('SELECT of a missing folder leaves the selected state; SELECT closes the previous one', async () => {
    const { c } = await s.session();
    expect((await c.cmd('k1 SELECT INBOX')).pop()).toBe('k1 OK [READ-WRITE] SELECT completed');
    await expectReplies(c, [
      ['k2 SELECT nope', ['* OK [CLOSED] Previous folder closed', 'k2 NO [NONEXISTENT] Folder "nope" does not exist']],
      ['k3 CHECK', ['k3 BAD CHECK: select a folder first']],
    ]);
    expect((await c.cmd('k4 SELECT Sent (CONDSTORE)')).pop()).toBe('k4 OK [READ-WRITE] SELECT completed');
    // A BAD command is not executed: Sent stays selected (RFC 3501 §7.1.5).
    await expectReplies(c, [
      ['k5 SELECT Sent (FOO)', ['k5 BAD SELECT: unsupported select parameter FOO']],
      ['k6 CHECK', ['k6 OK CHECK completed']],
    ]);
    await c.close();
  });

  itRejectsBadSyntax(s, {
    needsLogin: ['SELECT INBOX', 'EXAMINE INBOX'],
    replies: [
      ['b1 SELECT', ['b1 BAD SELECT: missing mailbox name']],
      ['b2 EXAMINE', ['b2 BAD EXAMINE: missing mailbox name']],
      ['b3 SELECT INBOX extra (x)', ['b3 BAD SELECT: select parameters must be a parenthesized list']],
      ['b4 NOOP', ['b4 OK NOOP completed']],
    ],
  });
});

describe('SELECT (QRESYNC …) (RFC 7162 §3.2.5, §3.2.6)', () => {
  const s = useImapSession({ messages: 4 });
  const uv = (name: string) => s.uidvalidity(name);

  it('SELECT (QRESYNC ...) reports VANISHED (EARLIER) and changed flags; UID FETCH VANISHED', async () => {
    const { c } = s;
    await c.cmd('s SELECT INBOX');
    const ms = Number(/HIGHESTMODSEQ (\d+)/.exec((await c.cmd('x STATUS INBOX (HIGHESTMODSEQ)'))[0]!)?.[1] ?? 'NaN');
    const base = Number.isNaN(ms) ? Number(/MODSEQ \((\d+)\)/.exec((await c.cmd('y FETCH 4 MODSEQ'))[0]!)![1]) : ms;
    await c.cmd('a1 STORE 2 +FLAGS.SILENT (\\Deleted)');
    await c.cmd('a2 EXPUNGE');
    await c.cmd('a3 STORE 3 +FLAGS.SILENT (\\Flagged)');
    await c.cmd('a4 UNSELECT');
    expect(await c.cmd('e1 ENABLE QRESYNC')).toEqual(['* ENABLED QRESYNC', 'e1 OK ENABLE completed']);
    const r = await c.cmd(`a5 SELECT INBOX (QRESYNC (${uv('INBOX')} ${base} 1:4))`);
    const tail = r.slice(-3);
    expect(tail[0]).toBe('* VANISHED (EARLIER) 2');
    expect(tail[1]).toMatch(/^\* 3 FETCH \(UID 4 FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)$/);
    expect(tail[2]).toBe('a5 OK [READ-WRITE] SELECT completed');
    const f = await c.cmd(`a6 UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${base} VANISHED)`);
    expect(f[0]).toBe('* VANISHED (EARLIER) 2');
    expect(f[1]).toMatch(/^\* 3 FETCH \(UID 4 FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)$/);
    expect(f[2]).toBe('a6 OK UID FETCH completed');
    // wrong uidvalidity: nothing reported
    const r2 = await c.cmd(`a7 SELECT INBOX (QRESYNC (1 ${base}))`);
    expect(r2.some((l) => l.includes('VANISHED'))).toBe(false);
  });

  it('QRESYNC parameter without ENABLE is BAD', async () => {
    expect((await s.c.cmd('a1 SELECT INBOX (QRESYNC (1 1))')).pop()).toBe('a1 BAD SELECT: QRESYNC parameter without ENABLE QRESYNC (RFC 7162 §3.2.5)');
  });
});
