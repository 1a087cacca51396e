/**
 * BINARY — RFC 3516: FETCH BINARY[part], BINARY.PEEK[part]<partial> and
 * BINARY.SIZE[part] (§4.2) give a part's content with its transfer encoding undone;
 * content holding a NUL goes out as literal8 `~{n}` (§4.3); an encoding the server
 * cannot undo is `NO [UNKNOWN-CTE]` (§4.3); APPEND takes a literal8 (§4.4) and its
 * binary part is stored base64-encoded, so BODY[] never carries a NUL. (imaptest:
 * `fetch-binary-mime*`, `append-binary`.)
 */
import { describe, it, expect, beforeEach } from 'vitest';
import { useImapSession, expectReplies } from '../../helpers/imap-session.js';
import { getFolder } from '../../../src/store/folders.js';
import { getMessage } from '../../../src/store/messages.js';
import { readBlob } from '../../../src/store/blobs.js';

/** A server, one mailbox and a session of it logged in, fresh for each test. */
const s = useImapSession();

const MIXED = [
  'From: a@example.org',
  'Subject: parts',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b"',
  '',
  '--b',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('hello world').toString('base64'),
  '--b',
  'Content-Type: text/plain',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'soft=',
  ' break=3D ok  ',
  'end',
  '--b',
  'Content-Type: application/octet-stream',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('a\0b').toString('base64'),
  '--b',
  'Content-Type: application/x-odd',
  'Content-Transfer-Encoding: x-uuencode',
  '',
  'begin 644 x',
  '--b--',
  '',
].join('\r\n');

describe('RFC 3516 §4.2 FETCH BINARY', () => {
  beforeEach(async () => {
    s.h.addMessage(s.user.mailboxId, 'INBOX', MIXED);
    await s.c.cmd('s1 SELECT INBOX');
  });

  it('BINARY.PEEK[n] undoes base64 and quoted-printable; BINARY.SIZE is the decoded size', async () => {
    await expectReplies(s.c, [
      ['f1 FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])', [
        '* 1 FETCH (BINARY.SIZE[1] 11 BINARY[1] {11}',
        'hello world)',
        'f1 OK FETCH completed',
      ]],
      ['f2 FETCH 1 (BINARY.PEEK[2] BINARY.SIZE[2])', [
        '* 1 FETCH (BINARY[2] {19}',
        'soft break= ok',
        'end BINARY.SIZE[2] 19)',
        'f2 OK FETCH completed',
      ]],
    ]);
  });

  it('a partial range is taken of the decoded bytes', async () => {
    expect(await s.c.cmd('f1 FETCH 1 (BINARY.PEEK[1]<6.100>)')).toEqual(['* 1 FETCH (BINARY[1]<6> {5}', 'world)', 'f1 OK FETCH completed']);
  });

  it('§4.3: content with a NUL goes out as literal8', async () => {
    expect(await s.c.cmd('f1 FETCH 1 (BINARY.PEEK[3])')).toEqual(['* 1 FETCH (BINARY[3] ~{3}', 'a\0b)', 'f1 OK FETCH completed']);
  });

  it('§4.3: an unknown transfer encoding is NO [UNKNOWN-CTE], and nothing of the response is sent', async () => {
    const r = await s.c.cmd('f1 FETCH 1 (UID BINARY.PEEK[4])');
    expect(r).toHaveLength(1);
    expect(r[0]).toMatch(/^f1 NO \[UNKNOWN-CTE\] /);
  });

  it('BINARY[] is the whole message; a part the message lacks is empty', async () => {
    const r = await s.c.cmd('f1 FETCH 1 (BINARY.SIZE[] BINARY.SIZE[9])');
    expect(r).toEqual([`* 1 FETCH (BINARY.SIZE[] ${Buffer.byteLength(MIXED)} BINARY.SIZE[9] 0)`, 'f1 OK FETCH completed']);
  });

  it('BINARY without PEEK sets \\Seen and reports FLAGS', async () => {
    expect(await s.c.cmd('f1 FETCH 1 (BINARY[1])')).toEqual(['* 1 FETCH (FLAGS (\\Seen \\Recent) BINARY[1] {11}', 'hello world)', 'f1 OK FETCH completed']);
  });

  it('a section with more than a part number is BAD', async () => {
    expect((await s.c.cmd('f1 FETCH 1 BINARY.PEEK[1.HEADER]')).at(-1)).toMatch(/^f1 BAD /);
    expect((await s.c.cmd('f2 FETCH 1 BINARY.SIZE[1]<0.5>')).at(-1)).toMatch(/^f2 BAD /);
  });
});

describe('RFC 3516 §4.4 APPEND with a literal8', () => {
  it('stores the binary part base64-encoded: BODY[1] has no NUL, BINARY[1] gives the bytes back', async () => {
    const head = 'From: a@example.org\r\nSubject: bin\r\nMIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n';
    const payload = Buffer.from([0, 0x2d, 0x41, 0x0a, 0x0d, 0x0a, 0x0a]);
    const msg = Buffer.concat([Buffer.from(head), payload]);
    s.c.socket.write(Buffer.concat([Buffer.from(`a1 APPEND INBOX ~{${msg.length}+}\r\n`), msg, Buffer.from('\r\n')]));
    const ok = (await s.c.until('a1')).at(-1)!;
    expect(ok).toMatch(/^a1 OK \[APPENDUID \d+ 1\] APPEND completed$/);
    const stored = readBlob(s.h.db, getMessage(s.h.db, getFolder(s.h.db, s.user.mailboxId, 'INBOX')!.id, 1)!.blobId);
    expect(stored.includes(0)).toBe(false);
    expect(stored.toString()).toContain('Content-Transfer-Encoding: base64\r\n\r\n' + payload.toString('base64'));
    await s.c.cmd('s1 SELECT INBOX');
    await expectReplies(s.c, [
      ['f1 FETCH 1 (BODY.PEEK[1] BINARY.SIZE[1])', [
        `* 1 FETCH (BODY[1] {${payload.toString('base64').length}}`,
        `${payload.toString('base64')} BINARY.SIZE[1] 7)`,
        'f1 OK FETCH completed',
      ]],
      ['f2 FETCH 1 BINARY.PEEK[1]', ['* 1 FETCH (BINARY[1] ~{7}', '\0-A\n', '\n)', 'f2 OK FETCH completed']],
    ]);
  });
});
