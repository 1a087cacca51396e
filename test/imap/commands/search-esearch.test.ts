/**
 * ESEARCH (RFC 4731 §3.1), SEARCHRES (RFC 5182 §2), WITHIN (RFC 5032 §3) and
 * SAVEDATE (RFC 8514 §4) transcripts, with the MODSEQ of RFC 7162 §3.1.5 in ESEARCH
 * answers (imaptest's esearch and esearch-condstore scripts). The commands and replies
 * are in transcripts/search-esearch.imap.
 */
import { describe, it, expect } from 'vitest';
import { useImapSession } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';

const raw = (n: number) => `From: a${n}@example.org\r\nSubject: m${n}\r\n\r\nbody ${n}\r\n`;

async function append(folder: string, date: string, text: string): Promise<void> {
  const r = await inbox.c.cmd(`ap APPEND ${folder} "${date}" {${Buffer.byteLength(text)}+}\r\n${text}`);
  expect(r[r.length - 1]).toMatch(/^ap OK/);
}

const ok = async (line: string) => {
  const r = await inbox.c.cmd(`t ${line}`);
  expect(r[r.length - 1]).toMatch(/^t OK/);
  return r.slice(0, -1);
};

const t = transcripts(import.meta.url, 'search-esearch');
/** A test that runs the transcript section of its own title. */
const itRuns = (title: string) => it(title, () => t(inbox.c, title));

const inbox = useImapSession({ once: true, select: 'INBOX', messages: Array.from({ length: 6 }, (_, i) => raw(i + 1)) });

describe('ESEARCH (RFC 4731)', () => {
  it('is in CAPABILITY with SEARCHRES, WITHIN and SAVEDATE', async () => {
    const caps = (await inbox.c.cmd('k CAPABILITY'))[0]!.split(' ');
    for (const cap of ['ESEARCH', 'SEARCHRES', 'WITHIN', 'SAVEDATE']) expect(caps).toContain(cap);
  });

  itRuns('RETURN (MIN MAX COUNT ALL); RETURN () is ALL; the tag is quoted; UID');

  itRuns('nothing matched: COUNT 0, no MIN/MAX/ALL');

  itRuns('an unknown result option or a missing list is BAD');

  it('with MODSEQ (RFC 7162 §3.1.5): MIN/MAX carry the modseq of what they return, ALL the highest', async () => {
    // the first CONDSTORE-enabling command reports the folder's HIGHESTMODSEQ (RFC 7162 §3.1)
    const first = await ok('FETCH 1 (MODSEQ)');
    expect(first.some((l) => /^\* OK \[HIGHESTMODSEQ \d+\]/.test(l))).toBe(true);
    expect((await ok('FETCH 1 (MODSEQ)')).some((l) => l.includes('HIGHESTMODSEQ'))).toBe(false);
    const mod: number[] = [];
    for (const n of [1, 3, 2]) {
      const r = await ok(`STORE ${n} +FLAGS (\\Seen)`);
      mod[n] = Number(/MODSEQ \((\d+)\)/.exec(r.join(' '))![1]);
    }
    await t(inbox.c, 'with MODSEQ (RFC 7162 §3.1.5): MIN/MAX carry the modseq of what they return, ALL the highest', { mod1: mod[1]!, mod2: mod[2]!, mod2_1: mod[2]! + 1, mod3: mod[3]! });
  });
});

describe('SEARCHRES (RFC 5182)', () => {
  itRuns('RETURN (SAVE) alone answers no ESEARCH; $ then names the result in FETCH, STORE, SEARCH, COPY');

  itRuns('SAVE with MIN/MAX keeps only those; with ALL the whole result, and still answers');

  itRuns('an expunged message leaves $; a failed SAVE search empties it; a new SELECT forgets it');
});

describe('WITHIN (RFC 5032) and SAVEDATE (RFC 8514)', () => {
  it('OLDER / YOUNGER compare the internal date with now', async () => {
    await inbox.c.cmd('c CREATE Within');
    await append('Within', '01-Jan-2020 10:00:00 +0000', raw(7));
    const now = new Date();
    const d = `${String(now.getUTCDate()).padStart(2, '0')}-${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][now.getUTCMonth()]}-${now.getUTCFullYear()} ${now.toISOString().slice(11, 19)} +0000`;
    await append('Within', d, raw(8));
    await inbox.c.cmd('s SELECT Within');
    await t(inbox.c, 'OLDER / YOUNGER compare the internal date with now');
  });

  it('FETCH SAVEDATE is when the message came into this folder: APPEND now, COPY a new one', async () => {
    const before = Date.now();
    const f = await ok('FETCH 1:2 (SAVEDATE INTERNALDATE)');
    expect(f[0]).toMatch(/^\* 1 FETCH \(SAVEDATE "\d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d \+0000" INTERNALDATE "01-Jan-2020 10:00:00 \+0000"\)$/);
    const saved = (line: string) => Date.parse(/SAVEDATE "([^"]+)"/.exec(line)![1]!.replace(/^(\d\d)-(\w{3})-(\d{4})/, '$2 $1 $3'));
    expect(saved(f[0]!)).toBeGreaterThan(before - 3_600_000);
    await t(inbox.c, 'FETCH SAVEDATE is when the message came into this folder: APPEND now, COPY a new one');
    const today = f[0]!.match(/SAVEDATE "(\d\d-\w{3}-\d{4})/)![1]!;
    await t(inbox.c, 'FETCH SAVEDATE is when the message came into this folder: APPEND now, COPY a new one: the day it was saved', { today });
    await inbox.c.cmd('s SELECT Archive');
    const a = await ok('FETCH 1 (SAVEDATE INTERNALDATE)');
    expect(a[0]).toContain('INTERNALDATE "01-Jan-2020 10:00:00 +0000"');
    expect(a[0]).toContain(`SAVEDATE "${today}`);
    await t(inbox.c, 'FETCH SAVEDATE is when the message came into this folder: APPEND now, COPY a new one: the copy in Archive');
  });
});
