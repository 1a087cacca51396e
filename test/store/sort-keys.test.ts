/**
 * The sort and thread keys of migration 11 (store/sort.ts): written once per blob at
 * ingest, the same values from the backfill for blobs stored before the migration,
 * freed with the blob; and the save date (RFC 8514) on append and copy.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { setup, type Fixture } from './helpers.js';
import { putBlob, collectGarbage } from '../../src/store/blobs.js';
import { appendMessages, copyMessages, getMessages, expungeMessages } from '../../src/store/messages.js';
import { sortColumns, threadColumns } from '../../src/store/sort.js';
import { migrations } from '../../src/store/migrations.js';
import { parseMessage } from '../../src/mime/parse.js';

let f: Fixture;
afterEach(() => f?.close());

const raw = (i: number, extra = '') =>
  Buffer.from(
    `From: =?UTF-8?B?${Buffer.from('Пётр').toString('base64')}?= <Petr${i}@example.org>\r\nTo: list@example.org\r\nCc: Boss <boss@example.org>\r\n` +
      `Subject: Re: [team] report ${i}\r\nDate: Mon, 2 Mar 2026 10:0${i}:00 +0300\r\nMessage-ID: <M${i}@example.org>\r\n${extra}\r\nbody\r\n`,
  );

function add(folderId: number, buf: Buffer): { blobId: number; uid: number } {
  const blobId = putBlob(f.db, buf, parseMessage(buf), 1);
  const r = appendMessages(f.db, folderId, [{ blobId, size: buf.length }]);
  return { blobId, uid: r.uids[0]! };
}

describe('sort keys (migration 11)', () => {
  it('are filled at ingest, and the backfill computes the same values', () => {
    f = setup();
    const inbox = f.folder('INBOX');
    add(inbox, raw(1));
    add(inbox, raw(2, 'References: <m1@example.org>\r\n'));
    const all = ['arrival', 'cc', 'date', 'from', 'size', 'subject', 'to', 'displayfrom', 'displayto'] as const;
    const before = sortColumns(f.db, inbox, all);
    const threads = threadColumns(f.db, inbox);
    expect(before.values.slice(1, 2)).toEqual([['BOSS', 'BOSS']]);
    expect(before.values[2]).toEqual([Date.UTC(2026, 2, 2, 7, 1), Date.UTC(2026, 2, 2, 7, 2)]);
    expect(before.values[5]).toEqual(['REPORT 1', 'REPORT 2']);
    expect(before.values[7]).toEqual(['ПЁТР', 'ПЁТР']);
    expect(threads).toMatchObject({ messageIds: ['<m1@example.org>', '<m2@example.org>'], parents: ['', '<m1@example.org>'], replies: [1, 1] });

    // as a database from before the migration: no keys, no save dates; then the backfill
    f.db.prepare('DELETE FROM blob_sort').run();
    f.db.prepare('UPDATE messages SET saved_at = NULL').run();
    expect(sortColumns(f.db, inbox, ['subject']).values[0]).toEqual(['', '']);
    const m11 = migrations.find((m) => m.version === 11)!;
    f.db.transaction(() => {
      f.db.exec(m11.sql.replace(/ALTER TABLE[^;]*;/, '').replace(/CREATE TABLE blob_sort/, 'CREATE TABLE IF NOT EXISTS blob_sort'));
      m11.backfill!(f.db);
    })();
    expect(sortColumns(f.db, inbox, all)).toEqual(before);
    expect(threadColumns(f.db, inbox)).toEqual(threads);
    const rows = getMessages(f.db, inbox, [1, 2]);
    expect(rows.map((r) => r.savedAt)).toEqual(rows.map((r) => r.storedAt));
  });

  it('a copy gets a new save date and keeps stored_at; the keys go with the blob', () => {
    f = setup();
    const inbox = f.folder('INBOX');
    const archive = f.folder('Archive');
    const { blobId } = add(inbox, raw(3));
    f.db.prepare('UPDATE messages SET saved_at = 1000, stored_at = 1000').run();
    const c = copyMessages(f.db, inbox, [1], archive);
    const [copy] = getMessages(f.db, archive, c.dstUids);
    expect(copy!.storedAt).toBe(1000);
    expect(copy!.savedAt).toBeGreaterThan(1000);
    expect(threadColumns(f.db, archive).messageIds).toEqual(['<m3@example.org>']);
    for (const folder of [inbox, archive]) expungeMessages(f.db, folder, [1]);
    // a second blob so the first is not the newest (the collector keeps the highest id)
    add(inbox, raw(4));
    collectGarbage(f.db);
    expect(f.db.prepare('SELECT count(*) FROM blob_sort WHERE blob_id = ?').pluck().get(blobId)).toBe(0);
    expect(sortColumns(f.db, inbox, ['subject'], 1).values[0]).toEqual(['REPORT 4']);
  });
});
