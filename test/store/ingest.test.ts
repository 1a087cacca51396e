/**
 * The store with the real ingest parser: a multipart message with an attachment
 * larger than a chunk, delivered through the Writer; parsed JSON round-trips and
 * section byte ranges read from chunks equal the original bytes.
 */
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { parseMessage, resolvePart, sectionRange } from '../../src/mime/parse.js';
import { EventBus } from '../../src/events/bus.js';
import { Writer } from '../../src/store/deliver.js';
import { CHUNK_SIZE, getParsed, readBlobRange } from '../../src/store/blobs.js';
import { searchText } from '../../src/store/search.js';
import { useStore } from './helpers.js';

const fx = useStore();

function multipart(): Buffer {
  const att = randomBytes(CHUNK_SIZE * 2).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      'From: =?UTF-8?B?0JjQstCw0L0=?= <ivan@example.org>',
      'To: b@example.org',
      'Subject: =?UTF-8?B?0J7RgtGH0ZHRgiDQt9CwINCd0L7Rj9Cx0YDRjA==?=',
      'Date: Mon, 02 Nov 2026 10:00:00 +0300',
      'Message-ID: <ingest@example.org>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Текст письма',
      '--b1',
      'Content-Type: application/octet-stream; name="data.bin"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="data.bin"',
      '',
      att,
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

describe('store with the ingest parser', () => {
  it('round-trips the parsed message and serves section ranges from chunks', async () => {
    const raw = multipart();
    const parsed = parseMessage(raw);
    const w = new Writer(fx.db, new EventBus());
    const inbox = fx.folder('INBOX');
    const r = await w.deliver({ raw, parsed, targets: [{ folderId: inbox }] });

    const stored = getParsed(fx.db, r.blobId);
    const { search: _search, ...withoutSearch } = parsed;
    expect(stored).toEqual(JSON.parse(JSON.stringify(withoutSearch)));

    for (const [path, text] of [
      ['', ''],
      ['', 'HEADER'],
      ['1', ''],
      ['2', ''],
      ['2', 'MIME'],
    ] as const) {
      const range = sectionRange(stored.root, path, text);
      expect(range, `${path} ${text}`).not.toBeNull();
      const [s, e] = range!;
      expect(readBlobRange(fx.db, r.blobId, s, e).equals(raw.subarray(s, e))).toBe(true);
    }
    const att = resolvePart(stored.root, '2')!;
    expect(att.bodyEnd - att.bodyStart).toBeGreaterThan(CHUNK_SIZE * 2);

    expect(searchText(fx.db, inbox, 'subject', 'НОЯБРЬ')).toEqual([1]);
    expect(searchText(fx.db, inbox, 'body', 'текст')).toEqual([1]);
  });
});
