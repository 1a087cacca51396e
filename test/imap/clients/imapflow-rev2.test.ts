/**
 * imapflow as a real client of the IMAP4rev2 / UTF8=ACCEPT / BINARY server: it
 * ENABLEs IMAP4rev2 and UTF8=ACCEPT when offered (RFC 9051 §6.3.1, RFC 6855 §3),
 * creates and lists a Cyrillic folder by its UTF-8 name, searches (the answer is
 * ESEARCH, RFC 9051 §6.4.4), APPENDs a message with NUL bytes as a literal8
 * (RFC 3516 §4.4) and fetches parts with BINARY (§4.2).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { ImapFlow } from 'imapflow';
import { imapFlowClient } from '../../helpers/imapflow.js';
import { startTestImap, sampleMessage, type TestImap } from '../../helpers/imap.js';

let h: TestImap;
let user: { address: string; password: string; mailboxId: number };

beforeAll(async () => {
  h = await startTestImap();
  user = await h.provision();
});
afterAll(async () => {
  await h.close();
});

function client(): ImapFlow {
  return imapFlowClient(h.port, user.address, user.password);
}

describe('imapflow against IMAP4rev2', () => {
  it('enables IMAP4rev2 and UTF8=ACCEPT, uses UTF-8 names, ESEARCH, literal8 APPEND and BINARY fetch', async () => {
    const c = client();
    await c.connect();
    try {
      expect(c.enabled.has('IMAP4rev2') || c.enabled.has('IMAP4REV2')).toBe(true);
      expect(c.enabled.has('UTF8=ACCEPT')).toBe(true);

      await c.mailboxCreate('Счета');
      const listed = (await c.list()).map((m) => m.path);
      expect(listed).toContain('Счета');

      const payload = Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x0d, 0x0a, 0x41]);
      const raw = Buffer.concat([
        Buffer.from('From: a@example.org\r\nSubject: bin\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="q"\r\n\r\n--q\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n'),
        Buffer.from(Buffer.from('Привет').toString('base64') + '\r\n--q\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n'),
        payload,
        Buffer.from('\r\n--q--\r\n'),
      ]);
      const appended = await c.append('Счета', raw);
      expect(appended && appended.uid).toBe(1);
      await c.append('Счета', sampleMessage('второе'));

      const lock = await c.getMailboxLock('Счета');
      try {
        expect(await c.search({ subject: 'bin' }, { uid: true })).toEqual([1]);
        expect(await c.search({ all: true })).toEqual([1, 2]);
        const msg = await c.fetchOne('1', { uid: true, bodyParts: ['1', '2'] }, { uid: true, binary: true });
        expect(msg && msg.bodyParts?.get('1')?.toString('utf8')).toBe('Привет');
        expect(msg && msg.bodyParts?.get('2')).toEqual(payload);
      } finally {
        lock.release();
      }
    } finally {
      await c.logout();
    }
  });
});
