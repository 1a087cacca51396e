/**
 * STORE / UID STORE — RFC 3501 §6.4.6, §6.4.8: FLAGS, +FLAGS, -FLAGS, .SILENT and
 * keywords; a new keyword is announced with FLAGS and PERMANENTFLAGS (§7.2.6); \Recent
 * cannot be set; a read-only folder refuses with NO [CANNOT]; RFC 7162 §3.1.3
 * UNCHANGEDSINCE with [MODIFIED]; other sessions see the change as FETCH FLAGS (§7.4.2).
 * The commands and replies are in transcripts/store.imap.
 */
import { describe, it, expect } from 'vitest';
import { useImapSession } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';

const s = useImapSession({ messages: 5, select: 'INBOX' });
const t = transcripts(import.meta.url, 'store');

describe('STORE', () => {
  it('+FLAGS, -FLAGS, FLAGS, keywords, .SILENT, UID STORE', () => t(s.c, '+FLAGS, -FLAGS, FLAGS, keywords, .SILENT, UID STORE (RFC 3501 §6.4.6, §7.2.6)'));

  it('errors: bad syntax, \\Recent, read-only folder', () => t(s.c, 'errors: bad syntax, \\Recent, read-only folder (RFC 3501 §6.4.6)'));

  it('UNCHANGEDSINCE: [MODIFIED] for messages changed since (RFC 7162 §3.1.3)', async () => {
    const r = await s.c.cmd('c1 FETCH 1:2 (MODSEQ)');
    const m1 = Number(/MODSEQ \((\d+)\)/.exec(r[0]!)![1]);
    const r2 = await s.c.cmd('c2 STORE 2 +FLAGS (\\Seen)');
    const m2 = Number(/MODSEQ \((\d+)\)/.exec(r2[0]!)![1]);
    expect(m2).toBeGreaterThan(m1);
    await t(s.c, 'UNCHANGEDSINCE: [MODIFIED] for messages changed since (RFC 7162 §3.1.3)', { since: m2 - 1, next: m2 + 1 });
  });

  it('another session sees the change as FETCH FLAGS', async () => {
    const d = await s.h.connect();
    await d.login(s.user.address, s.user.password);
    await t(d, 'another session sees the change as FETCH FLAGS (RFC 3501 §7.4.2)');
    await t(s.c, 'another session sees the change as FETCH FLAGS: the session that stores');
    await t(d, 'another session sees the change as FETCH FLAGS: the other session');
    await d.close();
  });
});

describe('STORE in the wrong state', () => {
  const u = useImapSession({ messages: 1 });

  it('before SELECT, and before login, STORE is BAD', async () => {
    await t(u.c, 'before SELECT, and before login, STORE is BAD (RFC 3501 §6.4.6): logged in');
    const before = await u.h.connect();
    await t(before, 'before SELECT, and before login, STORE is BAD (RFC 3501 §6.4.6): before login');
    await before.close();
  });
});
