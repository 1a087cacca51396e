/** SEARCH / UID SEARCH transcripts (RFC 3501 §6.4.4; RFC 7162 §3.1.5 MODSEQ). */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestImap, type TestImap, type TranscriptClient } from '../../helpers/imap.js';
import { FLAG_SEEN, FLAG_FLAGGED, FLAG_DELETED } from '../../../src/store/flags.js';

let h: TestImap;
let c: TranscriptClient;

const msg = (o: { from: string; to: string; subject: string; date: string; body: string; extra?: string; ct?: string }) =>
  `From: ${o.from}\r\nTo: ${o.to}\r\nSubject: ${o.subject}\r\nDate: ${o.date}\r\n${o.extra ?? ''}Content-Type: ${o.ct ?? 'text/plain; charset=utf-8'}\r\n\r\n${o.body}\r\n`;

beforeAll(async () => {
  h = await startTestImap();
  const u = await h.provision();
  // 1: Cyrillic subject in an encoded word, base64 body
  h.addMessage(
    u.mailboxId,
    'INBOX',
    `From: =?UTF-8?B?0J3QsNC70L7Qs9C+0LLQsNGP?= <nalog@example.ru>\r\nTo: ivan@example.org\r\nSubject: =?UTF-8?B?0J3QsNC70L7Qs9C+0LLQvtC1INGD0LLQtdC00L7QvNC70LXQvdC40LU=?=\r\nDate: Mon, 05 Jan 2026 10:00:00 +0300\r\nX-Priority: 1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from('Сумма к уплате: 1000 рублей').toString('base64')}\r\n`,
    FLAG_SEEN,
  );
  // 2
  h.addMessage(u.mailboxId, 'INBOX', msg({ from: 'Anna <anna@example.org>', to: 'ivan@example.org', subject: 'Lunch', date: 'Tue, 10 Feb 2026 12:00:00 +0000', body: 'Pizza at noon?' }), FLAG_FLAGGED);
  // 3
  h.addMessage(u.mailboxId, 'INBOX', msg({ from: 'boss@example.ru', to: 'team@example.org', subject: 'Report', date: 'Wed, 11 Feb 2026 09:00:00 +0000', body: 'x'.repeat(3000), extra: 'Cc: anna@example.org\r\n' }), FLAG_DELETED);
  c = await h.connect();
  await c.login(u.address, u.password);
  await c.cmd('s1 SELECT INBOX');
});
afterAll(async () => {
  await c.close();
  await h.close();
});

const search = async (q: string) => (await c.cmd(`t ${q}`))[0];

describe('SEARCH', () => {
  it('flags, sequence sets, uids, NOT, OR, groups', async () => {
    expect(await search('SEARCH ALL')).toBe('* SEARCH 1 2 3');
    expect(await search('SEARCH SEEN')).toBe('* SEARCH 1');
    expect(await search('SEARCH UNSEEN')).toBe('* SEARCH 2 3');
    expect(await search('SEARCH FLAGGED')).toBe('* SEARCH 2');
    expect(await search('SEARCH DELETED')).toBe('* SEARCH 3');
    expect(await search('SEARCH UNDELETED UNSEEN')).toBe('* SEARCH 2');
    expect(await search('SEARCH NOT SEEN')).toBe('* SEARCH 2 3');
    expect(await search('SEARCH OR SEEN FLAGGED')).toBe('* SEARCH 1 2');
    expect(await search('SEARCH (OR SEEN DELETED) NOT 1')).toBe('* SEARCH 3');
    expect(await search('SEARCH 2:*')).toBe('* SEARCH 2 3');
    expect(await search('SEARCH 7')).toBe('* SEARCH');
    expect(await search('UID SEARCH UID 2:3')).toBe('* SEARCH 2 3');
    expect(await search('SEARCH RECENT')).toBe('* SEARCH 1 2 3');
    expect(await search('SEARCH NEW')).toBe('* SEARCH 2 3');
    expect(await search('SEARCH OLD')).toBe('* SEARCH');
    expect(await search('SEARCH UNKEYWORD $x')).toBe('* SEARCH 1 2 3');
    expect(await search('SEARCH KEYWORD $x')).toBe('* SEARCH');
  });

  it('text keys: case-insensitive, Cyrillic in encoded words, decoded bodies', async () => {
    expect(await search('SEARCH SUBJECT "налог"')).toBe('* SEARCH 1');
    expect(await search('SEARCH CHARSET UTF-8 SUBJECT "НАЛОГОВОЕ"')).toBe('* SEARCH 1');
    expect(await search('SEARCH FROM "налоговая"')).toBe('* SEARCH 1');
    expect(await search('SEARCH BODY "уплате"')).toBe('* SEARCH 1');
    expect(await search('SEARCH TEXT pizza')).toBe('* SEARCH 2');
    expect(await search('SEARCH FROM anna')).toBe('* SEARCH 2');
    expect(await search('SEARCH CC anna')).toBe('* SEARCH 3');
    expect(await search('SEARCH TO team')).toBe('* SEARCH 3');
    expect(await search('SEARCH HEADER X-Priority 1')).toBe('* SEARCH 1');
    expect(await search('SEARCH HEADER X-Priority ""')).toBe('* SEARCH 1');
    expect(await search('SEARCH SUBJECT lunch')).toBe('* SEARCH 2');
  });

  it('dates and sizes', async () => {
    expect(await search('SEARCH SENTBEFORE 1-Feb-2026')).toBe('* SEARCH 1');
    expect(await search('SEARCH SENTON 10-Feb-2026')).toBe('* SEARCH 2');
    expect(await search('SEARCH SENTSINCE 11-Feb-2026')).toBe('* SEARCH 3');
    expect(await search('SEARCH SINCE 1-Jan-2020')).toBe('* SEARCH 1 2 3');
    expect(await search('SEARCH BEFORE 1-Jan-2020')).toBe('* SEARCH');
    expect(await search('SEARCH LARGER 1000')).toBe('* SEARCH 3');
    expect(await search('SEARCH SMALLER 1000')).toBe('* SEARCH 1 2');
  });

  it('MODSEQ (RFC 7162 §3.1.5)', async () => {
    const r = await search('SEARCH MODSEQ 1');
    expect(r).toMatch(/^\* SEARCH 1 2 3 \(MODSEQ \d+\)$/);
  });

  it('errors', async () => {
    expect(await c.cmd('e1 SEARCH CHARSET KOI8-R SUBJECT x')).toEqual(['e1 NO [BADCHARSET (UTF-8 US-ASCII)] Charset KOI8-R is not supported']);
    expect(await c.cmd('e2 SEARCH BOGUS')).toEqual(['e2 BAD SEARCH: unknown search key "BOGUS"']);
    expect(await c.cmd('e3 SEARCH SINCE yesterday')).toEqual(['e3 BAD Invalid date, expected d-Mon-yyyy']);
    expect(await c.cmd('e4 SEARCH')).toEqual(['e4 BAD SEARCH: missing search criteria']);
    expect(await c.cmd('e5 SEARCH OR SEEN')).toEqual(['e5 BAD SEARCH: missing search key']);
  });
});
