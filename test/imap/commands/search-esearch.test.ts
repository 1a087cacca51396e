/**
 * ESEARCH (RFC 4731 §3.1), SEARCHRES (RFC 5182 §2), WITHIN (RFC 5032 §3) and
 * SAVEDATE (RFC 8514 §4) transcripts, with the MODSEQ of RFC 7162 §3.1.5 in ESEARCH
 * answers (imaptest's esearch and esearch-condstore scripts).
 */
import { describe, it, expect } from 'vitest';
import { useImapSession } from '../../helpers/imap-session.js';

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

const inbox = useImapSession({ once: true, select: 'INBOX', messages: Array.from({ length: 6 }, (_, i) => raw(i + 1)) });

describe('ESEARCH (RFC 4731)', () => {
  it('is in CAPABILITY with SEARCHRES, WITHIN and SAVEDATE', async () => {
    const caps = (await inbox.c.cmd('k CAPABILITY'))[0]!.split(' ');
    for (const cap of ['ESEARCH', 'SEARCHRES', 'WITHIN', 'SAVEDATE']) expect(caps).toContain(cap);
  });

  it('RETURN (MIN MAX COUNT ALL); RETURN () is ALL; the tag is quoted; UID', async () => {
    await ok('STORE 4 +FLAGS.SILENT (\\Deleted)');
    await ok('EXPUNGE');
    // uids 1 2 3 5 6 are now sequence numbers 1..5
    expect(await ok('SEARCH RETURN (ALL) ALL')).toEqual(['* ESEARCH (TAG "t") ALL 1:5']);
    expect(await ok('SEARCH RETURN () ALL')).toEqual(['* ESEARCH (TAG "t") ALL 1:5']);
    expect(await ok('SEARCH RETURN (MIN MAX COUNT) ALL')).toEqual(['* ESEARCH (TAG "t") MIN 1 MAX 5 COUNT 5']);
    expect(await ok('UID SEARCH RETURN (ALL) ALL')).toEqual(['* ESEARCH (TAG "t") UID ALL 1:3,5:6']);
    expect(await ok('UID SEARCH RETURN (MIN MAX) ALL')).toEqual(['* ESEARCH (TAG "t") UID MIN 1 MAX 6']);
    expect(await ok('SEARCH RETURN (COUNT) CHARSET UTF-8 SUBJECT m2')).toEqual(['* ESEARCH (TAG "t") COUNT 1']);
  });

  it('nothing matched: COUNT 0, no MIN/MAX/ALL', async () => {
    expect(await ok('SEARCH RETURN (MIN MAX ALL) 1000')).toEqual(['* ESEARCH (TAG "t")']);
    expect(await ok('SEARCH RETURN (COUNT) 1000')).toEqual(['* ESEARCH (TAG "t") COUNT 0']);
    expect(await ok('UID SEARCH RETURN () 1000')).toEqual(['* ESEARCH (TAG "t") UID']);
  });

  it('an unknown result option or a missing list is BAD', async () => {
    expect((await inbox.c.cmd('b SEARCH RETURN (FIRST) ALL')).pop()).toMatch(/^b BAD /);
    expect((await inbox.c.cmd('b SEARCH RETURN ALL')).pop()).toMatch(/^b BAD /);
  });

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
    expect(await ok('SEARCH RETURN (MIN) 1:3 MODSEQ 1')).toEqual([`* ESEARCH (TAG "t") MIN 1 MODSEQ ${mod[1]}`]);
    expect(await ok('SEARCH RETURN (MAX) 1:3 MODSEQ 1')).toEqual([`* ESEARCH (TAG "t") MAX 3 MODSEQ ${mod[3]}`]);
    expect(await ok('SEARCH RETURN () 1:3 MODSEQ 1')).toEqual([`* ESEARCH (TAG "t") ALL 1:3 MODSEQ ${mod[2]}`]);
    expect(await ok(`SEARCH RETURN (ALL) 1:3 MODSEQ ${mod[2]! + 1}`)).toEqual(['* ESEARCH (TAG "t")']);
  });
});

describe('SEARCHRES (RFC 5182)', () => {
  it('RETURN (SAVE) alone answers no ESEARCH; $ then names the result in FETCH, STORE, SEARCH, COPY', async () => {
    expect(await ok('SEARCH RETURN (SAVE) SUBJECT m5')).toEqual([]);
    expect(await ok('FETCH $ (UID)')).toEqual(['* 4 FETCH (UID 5)']);
    expect(await ok('UID FETCH $ (UID)')).toEqual(['* 4 FETCH (UID 5)']);
    expect((await ok('STORE $ +FLAGS (\\Flagged)'))[0]).toMatch(/^\* 4 FETCH \(FLAGS \(\\Flagged/);
    expect(await ok('SEARCH FLAGGED')).toEqual(['* SEARCH 4']);
    expect(await ok('SEARCH $')).toEqual(['* SEARCH 4']);
    expect(await ok('SEARCH NOT $')).toEqual(['* SEARCH 1 2 3 5']);
    expect(await ok('UID SEARCH UID $')).toEqual(['* SEARCH 5']);
    const cp = await ok('COPY $ Trash');
    expect(cp).toEqual([]);
  });

  it('SAVE with MIN/MAX keeps only those; with ALL the whole result, and still answers', async () => {
    expect(await ok('SEARCH RETURN (SAVE MIN MAX) ALL')).toEqual(['* ESEARCH (TAG "t") MIN 1 MAX 5']);
    expect(await ok('SEARCH $')).toEqual(['* SEARCH 1 5']);
    expect(await ok('SEARCH RETURN (SAVE MIN) ALL')).toEqual(['* ESEARCH (TAG "t") MIN 1']);
    expect(await ok('SEARCH $')).toEqual(['* SEARCH 1']);
    expect(await ok('SEARCH RETURN (SAVE COUNT) 2:3')).toEqual(['* ESEARCH (TAG "t") COUNT 2']);
    expect(await ok('SEARCH $')).toEqual(['* SEARCH 2 3']);
  });

  it('an expunged message leaves $; a failed SAVE search empties it; a new SELECT forgets it', async () => {
    expect(await ok('SEARCH RETURN (SAVE) 2:3')).toEqual([]);
    await ok('STORE 2 +FLAGS.SILENT (\\Deleted)');
    await ok('EXPUNGE');
    expect(await ok('SEARCH $')).toEqual(['* SEARCH 2']);
    expect((await inbox.c.cmd('b SEARCH RETURN (SAVE) CHARSET KOI8-R ALL')).pop()).toMatch(/^b NO \[BADCHARSET/);
    expect(await ok('SEARCH $')).toEqual(['* SEARCH']);
    expect(await ok('SEARCH RETURN (SAVE) ALL')).toEqual([]);
    expect(await ok('FETCH $ (UID)')).toHaveLength(4);
    await inbox.c.cmd('s SELECT INBOX');
    expect(await ok('FETCH $ (UID)')).toEqual([]);
  });
});

describe('WITHIN (RFC 5032) and SAVEDATE (RFC 8514)', () => {
  it('OLDER / YOUNGER compare the internal date with now', async () => {
    await inbox.c.cmd('c CREATE Within');
    await append('Within', '01-Jan-2020 10:00:00 +0000', raw(7));
    const now = new Date();
    const d = `${String(now.getUTCDate()).padStart(2, '0')}-${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][now.getUTCMonth()]}-${now.getUTCFullYear()} ${now.toISOString().slice(11, 19)} +0000`;
    await append('Within', d, raw(8));
    await inbox.c.cmd('s SELECT Within');
    expect(await ok('SEARCH OLDER 86400')).toEqual(['* SEARCH 1']);
    expect(await ok('SEARCH YOUNGER 86400')).toEqual(['* SEARCH 2']);
    expect(await ok('SEARCH YOUNGER 86400 OLDER 1000000000')).toEqual(['* SEARCH']);
    expect((await inbox.c.cmd('b SEARCH OLDER 0')).pop()).toMatch(/^b BAD /);
    expect((await inbox.c.cmd('b SEARCH YOUNGER soon')).pop()).toMatch(/^b BAD /);
  });

  it('FETCH SAVEDATE is when the message came into this folder: APPEND now, COPY a new one', async () => {
    const before = Date.now();
    const f = await ok('FETCH 1:2 (SAVEDATE INTERNALDATE)');
    expect(f[0]).toMatch(/^\* 1 FETCH \(SAVEDATE "\d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d \+0000" INTERNALDATE "01-Jan-2020 10:00:00 \+0000"\)$/);
    const saved = (line: string) => Date.parse(/SAVEDATE "([^"]+)"/.exec(line)![1]!.replace(/^(\d\d)-(\w{3})-(\d{4})/, '$2 $1 $3'));
    expect(saved(f[0]!)).toBeGreaterThan(before - 3_600_000);
    expect(await ok('SEARCH SAVEDATESUPPORTED')).toEqual(['* SEARCH 1 2']);
    const today = f[0]!.match(/SAVEDATE "(\d\d-\w{3}-\d{4})/)![1]!;
    expect(await ok(`SEARCH SAVEDON ${today}`)).toEqual(['* SEARCH 1 2']);
    expect(await ok(`SEARCH SAVEDBEFORE ${today}`)).toEqual(['* SEARCH']);
    expect(await ok('SEARCH SAVEDSINCE 1-Jan-2021')).toEqual(['* SEARCH 1 2']);
    // the internal date stays 2020; the copy's save date is today
    await ok('COPY 1 Archive');
    await inbox.c.cmd('s SELECT Archive');
    const a = await ok('FETCH 1 (SAVEDATE INTERNALDATE)');
    expect(a[0]).toContain('INTERNALDATE "01-Jan-2020 10:00:00 +0000"');
    expect(a[0]).toContain(`SAVEDATE "${today}`);
    expect(await ok('SEARCH BEFORE 1-Jan-2021 SAVEDSINCE 1-Jan-2021')).toEqual(['* SEARCH 1']);
  });
});
