/**
 * Keywords and the FLAGS response — RFC 3501 §7.2.6 (FLAGS lists the flags defined
 * in the mailbox), §6.3.1 (SELECT answers FLAGS and PERMANENTFLAGS), §7.4.2 (FETCH
 * FLAGS): a keyword new to the folder is announced with an untagged `FLAGS` and
 * `* OK [PERMANENTFLAGS ...]` before any FETCH shows it — to the session that did
 * the STORE, to other sessions with the folder selected, and to one in IDLE.
 * (Found by Dovecot's imaptest: "Keyword used without being in FLAGS".)
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestImap, sampleMessage, type TestImap, type TranscriptClient } from '../../helpers/imap.js';

const SYS = '\\Answered \\Flagged \\Deleted \\Seen \\Draft';
let h: TestImap;
let user: { address: string; password: string; mailboxId: number };

beforeEach(async () => {
  h = await startTestImap();
  user = await h.provision();
  h.addMessage(user.mailboxId, 'INBOX', sampleMessage('one'));
  h.addMessage(user.mailboxId, 'INBOX', sampleMessage('two'));
});
afterEach(async () => {
  await h.close();
});

async function selected(): Promise<TranscriptClient> {
  const c = await h.connect();
  await c.login(user.address, user.password);
  await c.cmd('s1 SELECT INBOX');
  return c;
}

describe('RFC 3501 §7.2.6: keywords are in FLAGS before a FETCH shows them', () => {
  it('the storing session gets FLAGS and PERMANENTFLAGS first; SELECT lists the folder keywords', async () => {
    const a = await selected();
    expect(await a.cmd('a1 STORE 1 +FLAGS ($Label1)')).toEqual([
      `* FLAGS (${SYS} $Label1)`,
      `* OK [PERMANENTFLAGS (${SYS} $Label1 \\*)] Flags permitted`,
      '* 1 FETCH (FLAGS ($Label1 \\Recent))',
      'a1 OK STORE completed',
    ]);
    // known now: no second announcement
    expect(await a.cmd('a2 STORE 2 +FLAGS ($label1)')).toEqual(['* 2 FETCH (FLAGS ($label1 \\Recent))', 'a2 OK STORE completed']);
    // .SILENT still announces a new keyword
    expect(await a.cmd('a3 STORE 2 +FLAGS.SILENT (Other)')).toEqual([
      `* FLAGS (${SYS} $Label1 Other)`,
      `* OK [PERMANENTFLAGS (${SYS} $Label1 Other \\*)] Flags permitted`,
      'a3 OK STORE completed',
    ]);
    const b = await h.connect();
    await b.login(user.address, user.password);
    const sel = await b.cmd('b1 EXAMINE INBOX');
    expect(sel).toContain(`* FLAGS (${SYS} $Label1 Other)`);
    expect(sel).toContain('* OK [PERMANENTFLAGS ()] No permanent flags permitted');
  });

  it('another selected session and an IDLE session get FLAGS before the FETCH', async () => {
    const a = await selected();
    const b = await selected();
    const idler = await selected();
    idler.send('i1 IDLE');
    expect(await idler.line()).toBe('+ idling');
    expect(await a.cmd('a1 STORE 1 +FLAGS.SILENT ($Label1)')).toEqual([
      `* FLAGS (${SYS} $Label1)`,
      `* OK [PERMANENTFLAGS (${SYS} $Label1 \\*)] Flags permitted`,
      'a1 OK STORE completed',
    ]);
    expect([await idler.line(), await idler.line(), await idler.line()]).toEqual([
      `* FLAGS (${SYS} $Label1)`,
      `* OK [PERMANENTFLAGS (${SYS} $Label1 \\*)] Flags permitted`,
      '* 1 FETCH (UID 1 FLAGS ($Label1))',
    ]);
    idler.send('DONE');
    expect(await idler.until('i1')).toEqual(['i1 OK IDLE terminated']);
    expect(await b.cmd('b1 NOOP')).toEqual([
      `* FLAGS (${SYS} $Label1)`,
      `* OK [PERMANENTFLAGS (${SYS} $Label1 \\*)] Flags permitted`,
      '* 1 FETCH (UID 1 FLAGS ($Label1))',
      'b1 OK NOOP completed',
    ]);
  });

  it('a message appended with a new keyword: FETCH announces it first', async () => {
    const a = await selected();
    const msg = sampleMessage('three');
    a.write(`a1 APPEND INBOX ($Fresh) {${Buffer.byteLength(msg)}+}\r\n${msg}\r\n`);
    await a.until('a1');
    expect(await a.cmd('a2 FETCH 3 FLAGS')).toEqual([
      `* FLAGS (${SYS} $Fresh)`,
      `* OK [PERMANENTFLAGS (${SYS} $Fresh \\*)] Flags permitted`,
      '* 3 FETCH (FLAGS ($Fresh \\Recent))',
      'a2 OK FETCH completed',
    ]);
  });
});
