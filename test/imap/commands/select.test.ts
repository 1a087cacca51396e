/**
 * SELECT / EXAMINE — RFC 3501 §6.3.1 (FLAGS, EXISTS, RECENT, [UNSEEN], [PERMANENTFLAGS],
 * [UIDVALIDITY], [UIDNEXT], [READ-WRITE]), §6.3.2 (EXAMINE: [READ-ONLY]), §7.1.5 (a BAD
 * command is not executed); RFC 7162 §3.1.2.1 [HIGHESTMODSEQ], §3.2.5 the QRESYNC
 * parameter (VANISHED (EARLIER) and changed flags; src/imap/commands/select-qresync.ts),
 * §3.2.6 UID FETCH … VANISHED; RFC 5530 [CLOSED], [NONEXISTENT]. The commands and
 * replies are in transcripts/select.imap.
 */
import { describe, it, expect } from 'vitest';
import { sampleMessage } from '../../helpers/imap.js';
import { useImapServer, useImapSession, itRejectsBadSyntax } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';
import { FLAG_SEEN, FLAG_DELETED } from '../../../src/store/flags.js';

const t = transcripts(import.meta.url, 'select');

describe('SELECT, EXAMINE (RFC 3501 §6.3.1–2)', () => {
  const s = useImapServer();

  it('SELECT reports the folder, claims \\Recent; EXAMINE is read-only', async () => {
    const { h } = s;
    const { c, user, mailboxId } = await s.session([{ raw: sampleMessage('a'), flags: FLAG_SEEN }, sampleMessage('b'), { raw: sampleMessage('c'), flags: FLAG_DELETED }]);
    const v = s.uidvalidity(mailboxId, 'INBOX');
    // RFC 8474 §4.1: the folder's MAILBOXID
    const mailboxObjectId = `F${h.db.prepare("SELECT id FROM folders WHERE mailbox_id = ? AND name = 'INBOX'").pluck().get(mailboxId) as number}-${v}`;
    const vars = { v, id: mailboxObjectId };
    await t(c, 'SELECT reports the folder, claims \\Recent (RFC 3501 §6.3.1, RFC 8474 §4.1)', vars);
    // a second session sees no \Recent
    const d = await h.connect();
    await d.login(user.address, user.password);
    await t(d, 'EXAMINE is read-only (RFC 3501 §6.3.2)', vars);
    // a new message reaches both sessions at the next command
    h.addMessage(mailboxId, 'INBOX', sampleMessage('d'));
    await t(c, 'a new message: the SELECT session');
    await t(d, 'a new message: the EXAMINE session');
    await t(c, 'the SELECT session closes');
    await t(d, 'the other session hears the expunge');
    await c.close();
    await d.close();
  });

  it('SELECT of a missing folder leaves the selected state; SELECT closes the previous one', async () => {
    const { c } = await s.session();
    await t(c, 'SELECT of a missing folder leaves the selected state; SELECT closes the previous one (RFC 5530, RFC 3501 §7.1.5)');
    await c.close();
  });

  itRejectsBadSyntax(s, {
    needsLogin: ['SELECT INBOX', 'EXAMINE INBOX'],
    replies: (c) => t(c, 'syntax errors and the wrong state are BAD'),
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
    await t(c, 'SELECT (QRESYNC ...) reports VANISHED (EARLIER) and changed flags; UID FETCH VANISHED (RFC 7162 §3.2.5, §3.2.6): the changes', { uv: uv('INBOX'), base });
    // wrong uidvalidity: nothing reported
    const r2 = await c.cmd(`a7 SELECT INBOX (QRESYNC (1 ${base}))`);
    expect(r2.some((l) => l.includes('VANISHED'))).toBe(false);
  });

  it('QRESYNC parameter without ENABLE is BAD', async () => {
    await t(s.c, 'QRESYNC parameter without ENABLE is BAD (RFC 7162 §3.2.5)');
  });
});
