/**
 * Large APPEND literals (RFC 3501 §6.3.11, §7.5; RFC 7888 LITERAL+; RFC 5530 LIMIT):
 * they wait in the temporary area in the data directory, not in memory, and the
 * bytes in flight are bounded per mailbox (imap.spoolBytesPerUser) and per server
 * (imap.spoolBytes). Over a bound the literal is refused before any byte is taken:
 * `{n}` gets `NO [LIMIT]` instead of `+`; `{n+}` is read, discarded, then `NO [LIMIT]`.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestImap, type TestImap, type TranscriptClient } from '../../helpers/imap.js';
import { getFolder } from '../../../src/store/folders.js';
import { getMessage } from '../../../src/store/messages.js';
import { readBlob } from '../../../src/store/blobs.js';

let h: TestImap;

beforeEach(async () => {
  h = await startTestImap({
    config: { imap: { literalSpoolBytes: 1000, spoolBytesPerUser: 300_000, spoolBytes: 500_000 } },
  });
});
afterEach(async () => {
  await h.close();
});

function message(size: number, tag = 'x'): Buffer {
  const head = `From: a@example.org\r\nSubject: big ${tag}\r\n\r\n`;
  const line = 'abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01234567\r\n';
  let body = '';
  while (head.length + body.length + line.length <= size) body += line;
  body += 'z'.repeat(size - head.length - body.length);
  return Buffer.from(head + body);
}

async function session(user: { address: string; password: string }): Promise<TranscriptClient> {
  const c = await h.connect();
  await c.login(user.address, user.password);
  return c;
}

describe('APPEND of a large message through the temporary area', () => {
  it('stores the bytes exactly', async () => {
    const user = await h.provision();
    const c = await session(user);
    const msg = message(200_000);
    c.send(`a1 APPEND INBOX {${msg.length}}`);
    expect(await c.line()).toBe('+ Ready for literal data');
    c.write(Buffer.concat([msg, Buffer.from('\r\n')]));
    const inbox = getFolder(h.db, user.mailboxId, 'INBOX')!;
    expect(await c.until('a1')).toEqual([`a1 OK [APPENDUID ${inbox.uidvalidity} 1] APPEND completed`]);
    const row = getMessage(h.db, inbox.id, 1)!;
    expect(row.size).toBe(msg.length);
    expect(Buffer.compare(readBlob(h.db, row.blobId), msg)).toBe(0);
    await c.close();
  });

  it('per mailbox: a second large literal while one is in flight gets NO [LIMIT] (no +), LITERAL+ is read and discarded', async () => {
    const user = await h.provision();
    const a = await session(user);
    const b = await session(user);
    const msg = message(200_000, 'a');
    a.send(`a1 APPEND INBOX {${msg.length}}`);
    expect(await a.line()).toBe('+ Ready for literal data');
    a.write(msg.subarray(0, 100_000)); // half of it: in flight
    expect(await b.cmd(`b1 APPEND INBOX {${msg.length}}`)).toEqual([
      expect.stringMatching(/^b1 NO \[LIMIT\] This mailbox is already sending 200000 bytes in other commands; at most 300000 bytes at once/),
    ]);
    const other = message(200_000, 'b');
    b.write(Buffer.concat([Buffer.from(`b2 APPEND INBOX {${other.length}+}\r\n`), other, Buffer.from('\r\n')]));
    expect(await b.until('b2')).toEqual([expect.stringMatching(/^b2 NO \[LIMIT\] /)]);
    expect(await b.cmd('b3 NOOP')).toEqual(['b3 OK NOOP completed']);
    // a finishes; then b may send its message
    a.write(Buffer.concat([msg.subarray(100_000), Buffer.from('\r\n')]));
    expect(await a.until('a1')).toEqual([expect.stringMatching(/^a1 OK \[APPENDUID \d+ 1\] APPEND completed$/)]);
    b.send(`b4 APPEND INBOX {${other.length}}`);
    expect(await b.line()).toBe('+ Ready for literal data');
    b.write(Buffer.concat([other, Buffer.from('\r\n')]));
    expect(await b.until('b4')).toEqual([expect.stringMatching(/^b4 OK \[APPENDUID \d+ 2\] APPEND completed$/)]);
    await a.close();
    await b.close();
  });

  it('per server: other mailboxes are refused while the total is in flight; a dropped connection gives its space back', async () => {
    const users = [await h.provision(), await h.provision(), await h.provision()];
    const [a, b, c] = [await session(users[0]!), await session(users[1]!), await session(users[2]!)];
    const msg = message(240_000);
    for (const [s, t] of [[a, 'a1'], [b, 'b1']] as const) {
      s.send(`${t} APPEND INBOX {${msg.length}}`);
      expect(await s.line()).toBe('+ Ready for literal data');
      s.write(msg.subarray(0, 1000));
    }
    expect(await c.cmd(`c1 APPEND INBOX {${msg.length}}`)).toEqual([
      'c1 NO [LIMIT] The server is receiving too many large messages at once, try again in a moment',
    ]);
    // a goes away in the middle of its literal: its space is released
    await a.close();
    let reply: string[] = [];
    for (let i = 2; ; i++) {
      c.send(`c${i} APPEND INBOX {${msg.length}}`);
      const l = await c.line();
      if (l === '+ Ready for literal data') {
        c.write(Buffer.concat([msg, Buffer.from('\r\n')]));
        reply = await c.until(`c${i}`);
        break;
      }
      expect(l).toMatch(/NO \[LIMIT\]/); // the close may not have reached the server yet
    }
    expect(reply).toEqual([expect.stringMatching(/OK \[APPENDUID \d+ 1\] APPEND completed$/)]);
    await b.close();
    await c.close();
  });
});
