/**
 * Random message commands over a real connection: every command gets a tagged
 * OK / NO / BAD, the session stays usable, the server stays up and the folder's
 * invariants hold (uids ascending, no duplicates).
 */
import { describe, it, expect } from 'vitest';
import { startTestImap, sampleMessage } from '../../helpers/imap.js';
import { getFolder } from '../../../src/store/folders.js';
import { listUids } from '../../../src/store/messages.js';

const PIECES = {
  cmd: ['FETCH', 'UID FETCH', 'STORE', 'UID STORE', 'SEARCH', 'UID SEARCH', 'COPY', 'UID COPY', 'MOVE', 'UID MOVE', 'EXPUNGE', 'UID EXPUNGE'],
  set: ['1', '1:*', '*', '2:3', '*:1', '0', '99', '1,3', '4294967295', 'x', '1:', ''],
  arg: [
    'FLAGS', '(FLAGS UID)', 'ALL', 'FULL', 'BODY[]', 'BODY.PEEK[1.MIME]', 'BODY[HEADER.FIELDS (FROM)]<0.10>', 'BODY[9.9.9]', 'BODY[TEXT]<5>',
    'BODYSTRUCTURE', '(MODSEQ) (CHANGEDSINCE 1)', '+FLAGS (\\Seen)', '-FLAGS.SILENT (\\Deleted)', 'FLAGS ($a $b)', '(UNCHANGEDSINCE 1) +FLAGS (\\Flagged)',
    'OR SEEN NOT DELETED', 'SUBJECT "ж"', 'CHARSET X TEXT a', 'SINCE 1-Jan-2020', 'Archive', 'Nowhere', 'INBOX', '(', ')', '"', '{3+}\r\nabc', 'BODY[', 'NIL', '',
  ],
};

const GOOD: Record<string, string[]> = {
  FETCH: ['FLAGS', '(FLAGS UID)', 'ALL', 'FULL', 'BODY[]', 'BODY.PEEK[1.MIME]', 'BODY[HEADER.FIELDS (FROM)]<0.10>', 'BODY[9.9.9]', 'BODY[TEXT]<5>', 'BODYSTRUCTURE', '(MODSEQ) (CHANGEDSINCE 1)'],
  STORE: ['+FLAGS (\\Seen)', '-FLAGS.SILENT (\\Deleted)', '+FLAGS.SILENT (\\Deleted)', 'FLAGS ($a $b)', '(UNCHANGEDSINCE 1) +FLAGS (\\Flagged)'],
  SEARCH: ['OR SEEN NOT DELETED', 'SUBJECT "ж"', 'CHARSET X TEXT a', 'SINCE 1-Jan-2020', '1:* UNSEEN', 'UID 1:3 LARGER 10'],
  COPY: ['Archive', 'Nowhere', 'INBOX'],
  MOVE: ['Archive', 'Nowhere', 'INBOX'],
  EXPUNGE: [''],
};

describe('random message commands', () => {
  it('always answer, never break the session', async () => {
    const h = await startTestImap();
    const u = await h.provision();
    for (let i = 0; i < 6; i++) h.addMessage(u.mailboxId, 'INBOX', sampleMessage('r' + i));
    const c = await h.connect();
    await c.login(u.address, u.password);
    await c.cmd('s SELECT INBOX');
    let seed = 7;
    const pick = <T>(a: T[]): T => a[((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % a.length]!;
    const seen = { OK: 0, NO: 0, BAD: 0 };
    for (let i = 0; i < 1500; i++) {
      const cmd = pick(PIECES.cmd);
      const base = cmd.replace('UID ', '');
      const fitting = GOOD[base]!;
      const junk = pick([0, 0, 0, 1, 2]);
      const set = junk === 1 ? pick(PIECES.set) : pick(['1', '1:*', '*', '2:3', '1,3']);
      const arg = junk === 2 ? pick(PIECES.arg) : pick(fitting);
      const line = `r${i} ${cmd} ${base === 'SEARCH' ? '' : set + ' '}${arg}`.replace(/ +/g, ' ').trimEnd();
      const r = await c.cmd(line);
      const last = r[r.length - 1]!;
      const m = new RegExp(`^r${i} (OK|NO|BAD)`).exec(last);
      expect(m, `${line} → ${last}`).not.toBeNull();
      seen[m![1] as 'OK' | 'NO' | 'BAD']++;
      if (i % 10 === 9) expect((await c.cmd(`n${i} NOOP`)).pop()).toBe(`n${i} OK NOOP completed`);
      if (i % 100 === 99) h.addMessage(u.mailboxId, 'INBOX', sampleMessage('more' + i));
    }
    console.log(`random commands: ${JSON.stringify(seen)}`);
    expect(seen.OK).toBeGreaterThan(500);
    expect(seen.NO).toBeGreaterThan(10);
    expect(seen.BAD).toBeGreaterThan(50);
    for (const name of ['INBOX', 'Archive']) {
      const uids = listUids(h.db, getFolder(h.db, u.mailboxId, name)!.id);
      expect([...uids].sort((a, b) => a - b)).toEqual(uids);
      expect(new Set(uids).size).toBe(uids.length);
    }
    await c.close();
    await h.close();
  }, 120_000);
});
