/** APPEND (RFC 3501 §6.3.11, RFC 4315 APPENDUID, RFC 7889 TOOBIG) and IDLE (RFC 2177) transcripts. */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestImap, sampleMessage, type TestImap, type TranscriptClient } from '../../helpers/imap.js';
import { getFolder } from '../../../src/store/folders.js';
import { getMessage } from '../../../src/store/messages.js';

let h: TestImap;
let c: TranscriptClient;
let user: { address: string; password: string; mailboxId: number };

beforeEach(async () => {
  h = await startTestImap({ config: { imap: { maxLiteralBytes: 200_000 }, limits: { attachmentBytes: 1000 } } });
  user = await h.provision();
  c = await h.connect();
  await c.login(user.address, user.password);
});
afterEach(async () => {
  await c.close();
  await h.close();
});

function uidvalidity(name: string): number {
  return getFolder(h.db, user.mailboxId, name)!.uidvalidity;
}

describe('APPEND', () => {
  it('stores with flags and date; answers APPENDUID; sync literal gets a continuation', async () => {
    const msg = 'Subject: hi\r\n\r\nhello\r\n';
    c.send(`a1 APPEND Drafts (\\Seen \\Draft $Label) "17-Jul-1996 02:44:25 -0700" {${msg.length}}`);
    expect(await c.line()).toBe('+ Ready for literal data');
    c.write(msg + '\r\n');
    expect(await c.until('a1')).toEqual([`a1 OK [APPENDUID ${uidvalidity('Drafts')} 1] APPEND completed`]);
    const row = getMessage(h.db, getFolder(h.db, user.mailboxId, 'Drafts')!.id, 1)!;
    expect(row.internalDate).toBe(Date.UTC(1996, 6, 17, 9, 44, 25));
    expect(Date.now() - row.storedAt).toBeLessThan(60_000);
    await c.cmd('a2 SELECT Drafts');
    expect(await c.cmd('a3 FETCH 1 (FLAGS INTERNALDATE BODY.PEEK[])')).toEqual([
      '* 1 FETCH (FLAGS (\\Seen \\Draft $Label \\Recent) INTERNALDATE "17-Jul-1996 02:44:25 -0700" BODY[] {22}',
      'Subject: hi',
      '',
      'hello',
      ')',
      'a3 OK FETCH completed',
    ]);
  });

  it('into the selected folder reports EXISTS first (LITERAL+)', async () => {
    await c.cmd('a1 SELECT INBOX');
    const msg = sampleMessage('x');
    const n = Buffer.byteLength(msg);
    c.write(`a2 APPEND INBOX {${n}+}\r\n${msg}\r\n`);
    expect(await c.until('a2')).toEqual(['* 1 EXISTS', '* 1 RECENT', `a2 OK [APPENDUID ${uidvalidity('INBOX')} 1] APPEND completed`]);
  });

  it('refusals: missing folder TRYCREATE, attachments over the rule TOOBIG, literal over the limit TOOBIG, bad syntax', async () => {
    const msg = 'Subject: x\r\n\r\nx\r\n';
    c.write(`a1 APPEND Nowhere {${msg.length}+}\r\n${msg}\r\n`);
    expect(await c.until('a1')).toEqual(['a1 NO [TRYCREATE] Folder "Nowhere" does not exist']);
    const att = [
      'Subject: big',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'see attached',
      '--b',
      'Content-Type: application/octet-stream',
      'Content-Disposition: attachment; filename=a.bin',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.alloc(2000, 7).toString('base64'),
      '--b--',
      '',
    ].join('\r\n');
    c.write(`a2 APPEND INBOX {${att.length}+}\r\n${att}\r\n`);
    expect(await c.until('a2')).toEqual(['a2 NO [TOOBIG] Message refused: attachments total 2000 bytes, over the limit of 1000 bytes per message']);
    c.send('a3 APPEND INBOX {300000}');
    expect(await c.line()).toMatch(/^a3 NO \[TOOBIG\]/);
    expect(await c.cmd('a4 APPEND INBOX (\\Seen)')).toEqual(['a4 BAD APPEND: the message must be a literal']);
    expect(await c.cmd('a5 NOOP')).toEqual(['a5 OK NOOP completed']);
  });
});

describe('IDLE', () => {
  it('pushes EXISTS, FETCH and EXPUNGE from other sessions; DONE ends it', async () => {
    await c.cmd('a1 SELECT INBOX');
    c.send('a2 IDLE');
    expect(await c.line()).toBe('+ idling');
    const uid = h.addMessage(user.mailboxId, 'INBOX', sampleMessage('pushed'));
    expect(await c.line()).toBe('* 1 EXISTS');
    expect(await c.line()).toBe('* 1 RECENT');
    const d = await h.connect();
    await d.login(user.address, user.password);
    await d.cmd('t1 SELECT INBOX');
    await d.cmd(`t2 UID STORE ${uid} +FLAGS.SILENT (\\Deleted)`);
    expect(await c.line()).toBe('* 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))');
    await d.cmd('t3 EXPUNGE');
    expect(await c.line()).toBe('* 1 EXPUNGE');
    c.send('DONE');
    expect(await c.line()).toBe('a2 OK IDLE terminated');
    await d.close();
  });

  it('DONE and the next command in one packet (Apple Mail)', async () => {
    await c.cmd('a1 SELECT INBOX');
    c.send('a2 IDLE');
    expect(await c.line()).toBe('+ idling');
    c.write('DONE\r\na3 NOOP\r\n');
    expect(await c.until('a3')).toEqual(['a2 OK IDLE terminated', 'a3 OK NOOP completed']);
  });

  it('a line other than DONE is BAD', async () => {
    c.send('a2 IDLE');
    expect(await c.line()).toBe('+ idling');
    c.send('NOPE');
    expect(await c.line()).toBe('a2 BAD Expected DONE to end IDLE');
  });
});
