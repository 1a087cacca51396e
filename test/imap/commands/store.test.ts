/** STORE / EXPUNGE / UID EXPUNGE / CLOSE transcripts (RFC 3501 §6.4.3, §6.4.6, §6.4.2; RFC 4315; RFC 7162 §3.1.3). */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestImap, sampleMessage, type TestImap, type TranscriptClient } from '../../helpers/imap.js';
import { FLAG_DELETED } from '../../../src/store/flags.js';

let h: TestImap;
let c: TranscriptClient;
let user: { address: string; password: string; mailboxId: number };

beforeEach(async () => {
  h = await startTestImap();
  user = await h.provision();
  for (let i = 1; i <= 5; i++) h.addMessage(user.mailboxId, 'INBOX', sampleMessage('m' + i));
  c = await h.connect();
  await c.login(user.address, user.password);
  await c.cmd('s1 SELECT INBOX');
});
afterEach(async () => {
  await c.close();
  await h.close();
});

describe('STORE', () => {
  it('+FLAGS, -FLAGS, FLAGS, keywords, .SILENT, UID STORE', async () => {
    expect(await c.cmd('a1 STORE 1:2 +FLAGS (\\Flagged $Work)')).toEqual([
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work \\*)] Flags permitted',
      '* 1 FETCH (FLAGS (\\Flagged $Work \\Recent))',
      '* 2 FETCH (FLAGS (\\Flagged $Work \\Recent))',
      'a1 OK STORE completed',
    ]);
    expect(await c.cmd('a2 STORE 1 -FLAGS ($work)')).toEqual(['* 1 FETCH (FLAGS (\\Flagged \\Recent))', 'a2 OK STORE completed']);
    expect(await c.cmd('a3 STORE 2 FLAGS.SILENT (\\Seen)')).toEqual(['a3 OK STORE completed']);
    expect(await c.cmd('a4 UID STORE 2 +FLAGS \\Answered')).toEqual(['* 2 FETCH (UID 2 FLAGS (\\Seen \\Answered \\Recent))', 'a4 OK UID STORE completed']);
    expect(await c.cmd('a5 FETCH 1:2 FLAGS')).toEqual([
      '* 1 FETCH (FLAGS (\\Flagged \\Recent))',
      '* 2 FETCH (FLAGS (\\Seen \\Answered \\Recent))',
      'a5 OK FETCH completed',
    ]);
  });

  it('errors: bad syntax, \\Recent, read-only folder', async () => {
    expect(await c.cmd('b1 STORE 1 FLAGS (\\Recent)')).toEqual(['b1 BAD Flag \\Recent cannot be set']);
    expect(await c.cmd('b2 STORE 1 XFLAGS (\\Seen)')).toEqual(['b2 BAD STORE: unknown data item "XFLAGS"']);
    expect(await c.cmd('b3 STORE 1')).toEqual(['b3 BAD STORE: missing data item']);
    await c.cmd('b4 EXAMINE INBOX');
    expect(await c.cmd('b5 STORE 1 +FLAGS (\\Seen)')).toEqual(['b5 NO [CANNOT] The folder is selected read-only (EXAMINE)']);
    expect(await c.cmd('b6 EXPUNGE')).toEqual(['b6 NO [CANNOT] The folder is selected read-only (EXAMINE)']);
  });

  it('UNCHANGEDSINCE: [MODIFIED] for messages changed since (RFC 7162 §3.1.3)', async () => {
    const r = await c.cmd('c1 FETCH 1:2 (MODSEQ)');
    const m1 = Number(/MODSEQ \((\d+)\)/.exec(r[0]!)![1]);
    const r2 = await c.cmd('c2 STORE 2 +FLAGS (\\Seen)');
    const m2 = Number(/MODSEQ \((\d+)\)/.exec(r2[0]!)![1]);
    expect(m2).toBeGreaterThan(m1);
    const r3 = await c.cmd(`c3 STORE 1:2 (UNCHANGEDSINCE ${m2 - 1}) +FLAGS (\\Flagged)`);
    expect(r3).toEqual([`* 1 FETCH (FLAGS (\\Flagged \\Recent) MODSEQ (${m2 + 1}))`, 'c3 OK [MODIFIED 2] Conditional STORE failed for some messages']);
  });

  it('another session sees the change as FETCH FLAGS', async () => {
    const d = await h.connect();
    await d.login(user.address, user.password);
    await d.cmd('t1 SELECT INBOX');
    await c.cmd('a1 STORE 3 +FLAGS.SILENT (\\Flagged)');
    expect(await d.cmd('t2 NOOP')).toEqual(['* 3 FETCH (UID 3 FLAGS (\\Flagged))', 't2 OK NOOP completed']);
    await d.close();
  });
});

describe('EXPUNGE', () => {
  it('reports each removed message with numbers valid at the time, highest first', async () => {
    await c.cmd('a1 STORE 2,4,5 +FLAGS.SILENT (\\Deleted)');
    expect(await c.cmd('a2 EXPUNGE')).toEqual(['* 5 EXPUNGE', '* 4 EXPUNGE', '* 2 EXPUNGE', 'a2 OK EXPUNGE completed']);
    expect(await c.cmd('a3 FETCH 1:* UID')).toEqual(['* 1 FETCH (UID 1)', '* 2 FETCH (UID 3)', 'a3 OK FETCH completed']);
  });

  it('UID EXPUNGE removes only the named \\Deleted messages (RFC 4315)', async () => {
    await c.cmd('a1 STORE 1:3 +FLAGS.SILENT (\\Deleted)');
    expect(await c.cmd('a2 UID EXPUNGE 2:10')).toEqual(['* 3 EXPUNGE', '* 2 EXPUNGE', 'a2 OK UID EXPUNGE completed']);
    expect(await c.cmd('a3 UID FETCH 1:* FLAGS')).toHaveLength(4);
  });

  it('with QRESYNC: VANISHED instead of EXPUNGE', async () => {
    await c.cmd('e0 UNSELECT');
    expect(await c.cmd('e1 ENABLE QRESYNC')).toEqual(['* ENABLED QRESYNC', 'e1 OK ENABLE completed']);
    await c.cmd('e2 SELECT INBOX');
    await c.cmd('a1 STORE 1,3 +FLAGS.SILENT (\\Deleted)');
    const r = await c.cmd('a2 EXPUNGE');
    expect(r).toEqual(['* VANISHED 1,3', 'a2 OK EXPUNGE completed']);
  });

  it('another session gets EXPUNGE at NOOP but not during FETCH (§7.4.1)', async () => {
    const d = await h.connect();
    await d.login(user.address, user.password);
    await d.cmd('t1 SELECT INBOX');
    await c.cmd('a1 STORE 1 +FLAGS.SILENT (\\Deleted)');
    await c.cmd('a2 EXPUNGE');
    expect(await d.cmd('t2 FETCH 2 UID')).toEqual(['* 2 FETCH (UID 2)', 't2 OK FETCH completed']);
    expect(await d.cmd('t3 NOOP')).toEqual(['* 1 EXPUNGE', 't3 OK NOOP completed']);
    await d.close();
  });

  it('argument errors', async () => {
    expect(await c.cmd('a1 UID EXPUNGE')).toEqual(['a1 BAD UID EXPUNGE: missing sequence set']);
    expect(await c.cmd('a2 EXPUNGE 1')).toEqual(['a2 BAD EXPUNGE: unexpected extra arguments']);
    expect(await c.cmd('a3 COPY 1')).toEqual(['a3 BAD COPY: missing mailbox name']);
    expect(await c.cmd('a4 UID MOVE')).toEqual(['a4 BAD MOVE: missing sequence set']);
    expect(await c.cmd('a5 IDLE now')).toEqual(['a5 BAD IDLE: unexpected extra arguments']);
    expect(await c.cmd('a6 UID IDLE')).toEqual(['a6 BAD Unknown command UID IDLE']);
    expect(await c.cmd('a7 UID APPEND INBOX {1+}\r\nx')).toEqual(['a7 BAD Unknown command UID APPEND']);
  });

  it('CLOSE expunges silently', async () => {
    h.addMessage(user.mailboxId, 'INBOX', sampleMessage('gone'), FLAG_DELETED);
    expect(await c.cmd('a1 CLOSE')).toEqual(['a1 OK CLOSE completed']);
    const r = await c.cmd('a2 STATUS INBOX (MESSAGES)');
    expect(r[0]).toBe('* STATUS INBOX (MESSAGES 5)');
  });
});
