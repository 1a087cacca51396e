/**
 * `gospochta reindex` rebuilds the full-text index (progress on stderr, one JSON
 * object with --json) and `gospochta mailbox quota ADDRESS [SIZE]` shows and sets
 * a mailbox's own limit; bad sizes and unknown mailboxes are one-line refusals.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ensureBuilt, makeCli, type Cli } from './helpers.js';
import { openDb } from '../../src/store/db.js';
import { getFolder } from '../../src/store/folders.js';
import { putBlob } from '../../src/store/blobs.js';
import { appendMessages } from '../../src/store/messages.js';
import { parseMessage } from '../../src/mime/parse.js';
import { searchFullText } from '../../src/imap/search/full-text.js';

const PW = 'Vk7#pQ2m!zR9';
let cli: Cli;
let address: string;

beforeAll(() => {
  ensureBuilt();
  cli = makeCli();
  const reg = cli.run(['account', 'register', '--name', 'Иванов Иван Иванович', '--phone', '+7 (912) 345-67-89', '--consent', '--json']);
  const id = String(reg.json.id);
  cli.run(['account', 'documents', id, '--snils', '112-233-445 95', '--passport', '4510 123456', '--json']);
  const conf = cli.run(['account', 'confirm', id, '--method', 'in-person', '--operator', 'Петрова А. В.', '--document', 'паспорт 4510 123456', '--json']);
  expect(conf.status, conf.stderr).toBe(0);
  const mb = cli.run(['mailbox', 'create', id, '--address', 'ivanov@example.org', '--password-stdin', '--json'], PW + '\n');
  expect(mb.status, mb.stderr).toBe(0);
  address = mb.json.address as string;
});

describe('gospochta reindex', () => {
  it('rebuilds a lost index from the stored text, in batches, with progress', () => {
    const db = openDb(join(cli.env.GOSPOCHTA_DATA_DIR!));
    const mailboxId = (db.prepare('SELECT id FROM mailboxes WHERE address = ?').get(address) as { id: number }).id;
    const inbox = getFolder(db, mailboxId, 'INBOX')!;
    for (let i = 0; i < 25; i++) {
      const raw = Buffer.from(`Subject: письмо ${i}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${i % 5 === 0 ? 'Налоговое уведомление' : 'Прочее'} ${i}\r\n`);
      const blobId = putBlob(db, raw, parseMessage(raw), 1);
      appendMessages(db, inbox.id, [{ blobId, size: raw.length, flags: 0, keywords: '', internalDate: Date.now(), internalZone: 0, storedAt: Date.now() }]);
    }
    expect(searchFullText(db, inbox.id, 'body', 'налоги')).toHaveLength(5);
    db.exec("INSERT INTO blob_fts (blob_fts) VALUES ('delete-all')");
    expect(searchFullText(db, inbox.id, 'body', 'налоги')).toHaveLength(0);
    db.close();

    const r = cli.run(['reindex', '--batch', '10', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ messages: 25 });
    expect(r.stderr).toMatch(/^reindex: 10\/25 messages\n(.*\n)*reindex: 25\/25 messages\n$/);

    const again = openDb(join(cli.env.GOSPOCHTA_DATA_DIR!));
    expect(searchFullText(again, inbox.id, 'body', 'налоги')).toHaveLength(5);
    expect(searchFullText(again, inbox.id, 'text', 'письмо')).toHaveLength(25);
    again.close();

    const bad = cli.run(['reindex', '--batch', '0', '--json']);
    expect(bad.status).toBe(1);
    expect(bad.json.error).toBe('INVALID_BATCH');
  });
});

describe('gospochta mailbox quota', () => {
  it('shows the default, sets an own limit, goes back to the default', () => {
    const show = cli.run(['mailbox', 'quota', address, '--json']);
    expect(show.status, show.stderr).toBe(0);
    expect(show.json).toMatchObject({ address, limitBytes: 10 * 1024 ** 3, limitMessages: 1_000_000, usedMessages: 25, own: false });
    const set = cli.run(['mailbox', 'quota', address, '512M', '--json']);
    expect(set.status, set.stderr).toBe(0);
    expect(set.json).toMatchObject({ limitBytes: 512 * 1024 ** 2, own: true });
    const text = cli.run(['mailbox', 'quota', address]);
    expect(text.stdout).toMatch(/storage\s+\d+ of 536870912 bytes/);
    const back = cli.run(['mailbox', 'quota', address, 'default', '--json']);
    expect(back.json).toMatchObject({ limitBytes: 10 * 1024 ** 3, own: false });
    const audit = cli.run(['audit', '--mailbox', address, '--json']);
    expect(JSON.stringify(audit.json)).toContain('mailbox.quota');
  });
  it('refuses a bad size and an unknown mailbox in one line', () => {
    const bad = cli.run(['mailbox', 'quota', address, 'lots', '--json']);
    expect(bad.status).toBe(1);
    expect(bad.json.error).toBe('INVALID_SIZE');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const none = cli.run(['mailbox', 'quota', 'nobody@example.org', '1G', '--json']);
    expect(none.status).toBe(1);
    expect(none.json.error).toBe('NOT_FOUND');
  });
});
