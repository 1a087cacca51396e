/**
 * The streaming attachment meter: bounded state, early crossing of a limit, the
 * Writable form. (Agreement with parseMessage on every fixture and on fuzzed input
 * is in golden.test.ts and parse.test.ts.)
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { AttachmentMeter, AttachmentMeterStream } from '../../src/mime/attachment-meter.js';
import { parseMessage } from '../../src/mime/parse.js';

function bigMessage(attachment: number, encoding: 'base64' | 'quoted-printable' | 'binary'): Buffer {
  const data = Buffer.alloc(attachment, 0x41);
  let body: Buffer;
  if (encoding === 'base64') body = Buffer.from(data.toString('base64').replace(/.{76}/g, '$&\r\n') + '\r\n');
  else if (encoding === 'quoted-printable') body = Buffer.from(('=41'.repeat(25) + '=\r\n').repeat(Math.ceil(attachment / 25)).slice(0, Math.ceil(attachment / 25) * 78));
  else body = Buffer.concat([data, Buffer.from('\r\n')]);
  return Buffer.concat([
    Buffer.from(
      'Subject: big\r\nContent-Type: multipart/mixed; boundary="zz"\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nhi\r\n--zz\r\n' +
        `Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n`,
    ),
    body,
    Buffer.from('--zz--\r\n'),
  ]);
}

describe('AttachmentMeter', () => {
  it.each(['base64', 'quoted-printable', 'binary'] as const)('counts a %s attachment as parseMessage does, and crosses a limit before the end', (enc) => {
    const raw = bigMessage(3_000_000, enc);
    const want = parseMessage(raw).attachmentBytes;
    expect(want).toBeGreaterThanOrEqual(3_000_000);
    const m = new AttachmentMeter();
    let crossedAt = -1;
    for (let i = 0; i < raw.length; i += 65536) {
      m.feed(raw.subarray(i, i + 65536));
      if (crossedAt < 0 && m.attachmentBytes > 1_000_000) crossedAt = i;
    }
    expect(crossedAt).toBeGreaterThan(0);
    expect(crossedAt).toBeLessThan(raw.length / 2);
    expect(m.end()).toBe(want);
  });

  it('keeps bounded state on a huge header without an empty line and on one endless line', () => {
    const m = new AttachmentMeter();
    const line = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 20; i++) m.feed(line);
    expect(m.end()).toBe(0);
    const n = new AttachmentMeter();
    n.feed(Buffer.from('Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: image/png\r\n\r\n'));
    for (let i = 0; i < 20; i++) n.feed(line); // one 20 MB line, no line break
    expect(n.end()).toBe(20 << 20);
  });

  it('as a Writable reports progress and can refuse early', async () => {
    const raw = bigMessage(2_000_000, 'base64');
    const seen: number[] = [];
    const sink = new AttachmentMeterStream((n) => {
      seen.push(n);
      if (n > 500_000) throw new Error('too big');
    });
    const chunks = function* (): Generator<Buffer> {
      for (let i = 0; i < raw.length; i += 65536) yield raw.subarray(i, i + 65536);
    };
    await expect(pipeline(Readable.from(chunks()), sink)).rejects.toThrow('too big');
    expect(seen.at(-1)!).toBeGreaterThan(500_000);
    expect(seen.at(-1)!).toBeLessThan(1_000_000);

    const ok = new AttachmentMeterStream();
    await pipeline(Readable.from(chunks()), ok);
    expect(ok.meter.attachmentBytes).toBe(2_000_000);
  });

  it('a message with more than MAX_PARTS parts is counted whole, by both', () => {
    const many = (n: number, inner = ''): Buffer =>
      Buffer.from('Subject: many\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n' + '--m\r\nContent-Type: text/plain\r\n\r\nx\r\n'.repeat(n) + inner + '--m--\r\n');
    for (const n of [9_998, 9_999, 10_000, 20_000]) {
      const raw = many(n);
      const p = parseMessage(raw);
      const m = new AttachmentMeter();
      for (let i = 0; i < raw.length; i += 1000) m.feed(raw.subarray(i, i + 1000));
      expect({ n, bytes: m.end() }).toEqual({ n, bytes: p.attachmentBytes });
      // top + multipart children: flat once there are more than 10,000 entities
      if (n + 1 > 10_000) {
        expect(p.bodystructure.type).toBe('application');
        expect(p.attachmentBytes).toBe(p.root.bodyEnd - p.root.bodyStart);
      } else expect(p.attachmentBytes).toBe(0);
    }
    // parts inside an attached message do not count towards the limit
    const attached =
      '--m\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n' +
      '--q\r\n\r\ny\r\n'.repeat(12_000) + '--q--\r\n';
    const raw = many(10, attached);
    const p = parseMessage(raw);
    const m = new AttachmentMeter();
    m.feed(raw);
    expect(m.end()).toBe(p.attachmentBytes);
    expect(p.bodystructure.type).toBe('multipart');
  });
});
