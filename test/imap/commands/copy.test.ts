/** COPY / MOVE (RFC 3501 §6.4.7, RFC 4315 COPYUID, RFC 6851) and QRESYNC (RFC 7162 §3.2.5, §3.2.6) transcripts. */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestImap, sampleMessage, type TestImap, type TranscriptClient } from '../../helpers/imap.js';
import { getFolder } from '../../../src/store/folders.js';

let h: TestImap;
let c: TranscriptClient;
let user: { address: string; password: string; mailboxId: number };
const uv = (name: string) => getFolder(h.db, user.mailboxId, name)!.uidvalidity;

beforeEach(async () => {
  h = await startTestImap();
  user = await h.provision();
  for (let i = 1; i <= 4; i++) h.addMessage(user.mailboxId, 'INBOX', sampleMessage('m' + i));
  c = await h.connect();
  await c.login(user.address, user.password);
});
afterEach(async () => {
  await c.close();
  await h.close();
});

describe('COPY and MOVE', () => {
  it('COPY answers COPYUID; UID COPY too; missing folder → TRYCREATE', async () => {
    await c.cmd('s SELECT INBOX');
    expect(await c.cmd('a1 COPY 2:3 Archive')).toEqual([`a1 OK [COPYUID ${uv('Archive')} 2:3 1:2] COPY completed`]);
    expect(await c.cmd('a2 UID COPY 1,4 Archive')).toEqual([`a2 OK [COPYUID ${uv('Archive')} 1,4 3:4] UID COPY completed`]);
    expect(await c.cmd('a3 COPY 1 Nowhere')).toEqual(['a3 NO [TRYCREATE] Folder "Nowhere" does not exist']);
    expect(await c.cmd('a4 UID COPY 99 Archive')).toEqual(['a4 OK UID COPY completed (nothing to copy)']);
    expect((await c.cmd('a5 STATUS Archive (MESSAGES)'))[0]).toBe('* STATUS Archive (MESSAGES 4)');
  });

  it('MOVE: untagged COPYUID, then EXPUNGEs, then OK; other sessions see EXISTS in the target', async () => {
    const d = await h.connect();
    await d.login(user.address, user.password);
    await d.cmd('t1 SELECT Trash');
    await c.cmd('s SELECT INBOX');
    expect(await c.cmd('a1 MOVE 2,4 Trash')).toEqual([`* OK [COPYUID ${uv('Trash')} 2,4 1:2] Moved`, '* 4 EXPUNGE', '* 2 EXPUNGE', 'a1 OK MOVE completed']);
    expect(await d.cmd('t2 NOOP')).toEqual(['* 2 EXISTS', '* 2 RECENT', 't2 OK NOOP completed']);
    expect(await c.cmd('a2 UID MOVE 3 Junk')).toEqual([`* OK [COPYUID ${uv('Junk')} 3 1] Moved`, '* 2 EXPUNGE', 'a2 OK UID MOVE completed']);
    expect(await c.cmd('a3 MOVE 1 Nowhere')).toEqual(['a3 NO [TRYCREATE] Folder "Nowhere" does not exist']);
    await d.close();
  });
});

describe('QRESYNC', () => {
  it('SELECT (QRESYNC ...) reports VANISHED (EARLIER) and changed flags; UID FETCH VANISHED', async () => {
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
    expect((await c.cmd('a1 SELECT INBOX (QRESYNC (1 1))')).pop()).toBe('a1 BAD SELECT: QRESYNC parameter without ENABLE QRESYNC (RFC 7162 §3.2.5)');
  });
});
