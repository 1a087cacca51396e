/**
 * BINARY — RFC 3516: FETCH BINARY[part], BINARY.PEEK[part]<partial> and
 * BINARY.SIZE[part] (§4.2) give a part's content with its transfer encoding undone;
 * content holding a NUL goes out as literal8 `~{n}` (§4.3); an encoding the server
 * cannot undo is `NO [UNKNOWN-CTE]` (§4.3); APPEND takes a literal8 (§4.4) and its
 * binary part is stored base64-encoded, so BODY[] never carries a NUL. (imaptest:
 * `fetch-binary-mime*`, `append-binary`.) The commands and replies are in
 * transcripts/fetch-binary.imap, but for those with a NUL in them.
 */
import { describe, it, expect, beforeEach } from 'vitest';
import { useImapSession } from '../../helpers/imap-session.js';
import { transcripts } from '../../helpers/transcript.js';
import { getFolder } from '../../../src/store/folders.js';
import { getMessage } from '../../../src/store/messages.js';
import { readBlob } from '../../../src/store/blobs.js';

/** A server, one mailbox and a session of it logged in, fresh for each test. */
const s = useImapSession();
const t = transcripts(import.meta.url, 'fetch-binary');

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

  it('BINARY.PEEK[n] undoes base64 and quoted-printable; BINARY.SIZE is the decoded size', () =>
    t(s.c, 'RFC 3516 §4.2 BINARY.PEEK[n] undoes base64 and quoted-printable; BINARY.SIZE is the decoded size'));

  it('a partial range is taken of the decoded bytes', () => t(s.c, 'RFC 3516 §4.2 a partial range is taken of the decoded bytes'));

  it('§4.3: content with a NUL goes out as literal8', async () => {
    expect(await s.c.cmd('f1 FETCH 1 (BINARY.PEEK[3])')).toEqual(['* 1 FETCH (BINARY[3] ~{3}', 'a\0b)', 'f1 OK FETCH completed']);
  });

  it('§4.3: an unknown transfer encoding is NO [UNKNOWN-CTE], and nothing of the response is sent', () =>
    t(s.c, 'RFC 3516 §4.3: an unknown transfer encoding is NO [UNKNOWN-CTE], and nothing of the response is sent'));

  it('BINARY[] is the whole message; a part the message lacks is empty', () =>
    t(s.c, 'RFC 3516 §4.2 BINARY[] is the whole message; a part the message lacks is empty', { size: Buffer.byteLength(MIXED) }));

  it('BINARY without PEEK sets \\Seen and reports FLAGS', () => t(s.c, 'RFC 3516 §4.2 BINARY without PEEK sets \\Seen and reports FLAGS'));

  it('a section with more than a part number is BAD', () => t(s.c, 'RFC 3516 §4.2 a section with more than a part number is BAD'));
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
    const b64 = payload.toString('base64');
    await t(s.c, 'RFC 3516 §4.4 stores the binary part base64-encoded: BODY[1] has no NUL', { b64, b64len: b64.length });
    expect(await s.c.cmd('f2 FETCH 1 BINARY.PEEK[1]')).toEqual(['* 1 FETCH (BINARY[1] ~{7}', '\0-A\n', '\n)', 'f2 OK FETCH completed']);
  });
});
