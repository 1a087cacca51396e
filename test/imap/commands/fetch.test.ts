/**
 * FETCH / UID FETCH — RFC 3501 §6.4.5, §6.4.8, §7.4.2: items and macros, ENVELOPE
 * (address groups per §7.4.2: a start marker with NIL host and the group name as
 * mailbox name, the members, an end marker of all NIL) and BODYSTRUCTURE, every section
 * form and partial, \Seen set by a non-PEEK body fetch (not in a read-only folder),
 * errors; RFC 7162 §3.1.4 CHANGEDSINCE and MODSEQ, §3.2.6 VANISHED only with QRESYNC.
 * Most commands and replies are in transcripts/fetch.imap.
 */
import { describe, it, expect } from 'vitest';
import { FLAG_SEEN } from '../../../src/store/flags.js';
import { useImapSession } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';
import { GROUP_MESSAGES } from '../../helpers/imap-messages.js';

const MULTI = [
  'From: Anna <anna@example.org>',
  'To: boris@example.org',
  'Subject: parts',
  'Date: Sun, 22 Nov 2026 10:00:00 +0000',
  'Message-ID: <parts@example.org>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'Hello part one',
  '--b1',
  'Content-Type: application/octet-stream; name="x.bin"',
  'Content-Transfer-Encoding: base64',
  '',
  'AAECAw==',
  '--b1--',
  '',
].join('\r\n');

// uid 1: MULTI; uid 2: seen
const t = transcripts(import.meta.url, 'fetch');
const inbox = useImapSession({ once: true, select: 'INBOX', messages: [MULTI, { raw: 'Subject: two\r\n\r\nsecond\r\n', flags: FLAG_SEEN }] });

describe('FETCH', () => {
  it('simple items, macros, UID FETCH adds UID', () => t(inbox.c, 'simple items, macros, UID FETCH adds UID (RFC 3501 §6.4.5, §6.4.8)'));

  it('ENVELOPE and BODYSTRUCTURE', () => t(inbox.c, 'ENVELOPE and BODYSTRUCTURE (RFC 3501 §7.4.2)'));

  it('every section form and partials, PEEK leaves \\Seen alone', () => t(inbox.c, 'every section form and partials, PEEK leaves \\Seen alone (RFC 3501 §6.4.5)'));

  it('a non-PEEK body fetch sets \\Seen and reports FLAGS in the same response', () =>
    t(inbox.c, 'a non-PEEK body fetch sets \\Seen and reports FLAGS in the same response (RFC 3501 §6.4.5)'));

  it('errors: syntax → BAD with a reason, out-of-range sequence → BAD, unknown uid → nothing', () =>
    t(inbox.c, 'errors: syntax → BAD with a reason, out-of-range sequence → BAD, unknown uid → nothing'));

  it('CHANGEDSINCE and MODSEQ (RFC 7162)', async () => {
    const all = await inbox.c.cmd('c1 FETCH 1:* (MODSEQ)');
    const fetched = all.filter((l) => /^\* \d+ FETCH /.test(l));
    const ms = fetched.map((l) => Number(/MODSEQ \((\d+)\)/.exec(l)![1]));
    expect(ms).toHaveLength(2);
    const top = Math.max(...ms);
    // RFC 7162 §3.1: the first CONDSTORE-enabling command on a selected folder reports HIGHESTMODSEQ
    expect(all).toContain(`* OK [HIGHESTMODSEQ ${top}] Highest`);
    const r = await inbox.c.cmd(`c2 UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${top - 1})`);
    expect(r).toEqual([`* 1 FETCH (UID 1 FLAGS (\\Seen \\Recent) MODSEQ (${top}))`, 'c2 OK UID FETCH completed']);
  });

  it('in a folder opened with EXAMINE a body fetch does not set \\Seen', async () => {
    const d = await inbox.h.connect();
    await d.login(inbox.user.address, inbox.user.password);
    await t(d, 'in a folder opened with EXAMINE a body fetch does not set \\Seen: EXAMINE');
    inbox.h.addMessage(inbox.user.mailboxId, 'INBOX', 'Subject: three\r\n\r\nthird\r\n');
    await t(d, 'in a folder opened with EXAMINE a body fetch does not set \\Seen: the new message');
    await d.close();
  });

  it('a partial of a large message is streamed and byte-exact across chunk boundaries', async () => {
    const body = Array.from({ length: 50_000 }, (_, i) => `line ${String(i).padStart(6, '0')}`).join('\r\n') + '\r\n';
    const raw = `Subject: big\r\n\r\n${body}`;
    const uid = inbox.h.addMessage(inbox.user.mailboxId, 'INBOX', raw);
    await inbox.c.cmd('p0 NOOP');
    const start = 200_001;
    const len = 400_000;
    const r = await inbox.c.cmd(`p1 UID FETCH ${uid} (BODY.PEEK[]<${start}.${len}>)`);
    expect(r[0]).toMatch(new RegExp(`^\\* \\d+ FETCH \\(UID ${uid} BODY\\[\\]<${start}> \\{${len}\\}$`));
    // the literal's lines, rejoined, then the ")" that follows it on the literal's last line
    const got = r.slice(1, -1).join('\r\n');
    expect(got).toBe(raw.slice(start, start + len) + ')');
    const tail = await inbox.c.cmd(`p2 UID FETCH ${uid} (BODY.PEEK[TEXT]<${body.length - 5}.100>)`);
    expect(tail.slice(0, 3)).toEqual([`* 4 FETCH (UID ${uid} BODY[TEXT]<${body.length - 5}> {5}`, '999', ')']);
  });
});

describe('RFC 5322 §3.4 groups', () => {
  const s = useImapSession({ once: true, select: 'INBOX', messages: GROUP_MESSAGES });

  it('ENVELOPE: start marker (NIL NIL "groupname" NIL), members, end marker (NIL NIL NIL NIL) — RFC 3501 §7.4.2', async () => {
    const r = await s.c.cmd('a5 FETCH 1:2 ENVELOPE');
    expect(r[0]).toContain(
      '((NIL NIL "groupname" NIL)(NIL NIL "groupuser1" "domain.org")(NIL NIL "groupuser2" "domain.org")(NIL NIL NIL NIL)' +
        '(NIL NIL "groupname2" NIL)(NIL NIL "groupuser3" "domain.org")(NIL NIL NIL NIL))',
    );
    expect(r[1]).toContain('((NIL NIL "groupname" NIL)(NIL NIL NIL NIL))');
    expect(r[2]).toBe('a5 OK FETCH completed');
  });

  it('the wrong state is BAD', () => t(s.c, 'the wrong state is BAD'));
});
