/**
 * Test fixtures for the message store: a real SQLite file in a temp dir, one
 * account with one mailbox and its default folders, and hand-built ParsedMessages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../src/store/db.js';
import { createDefaultFolders, getFolder } from '../../src/store/folders.js';
import type { ParsedMessage } from '../../src/mime/types.js';

export interface Fixture {
  db: Db;
  dir: string;
  mailboxId: number;
  folder(name: string): number;
  close(): void;
}

let n = 0;

export function addMailbox(db: Db, address = `user${++n}@example.org`): number {
  const now = Date.now();
  const acc = db
    .prepare(
      `INSERT INTO accounts (full_name, phone, level, created_at, updated_at) VALUES ('Иванов Иван Иванович', '+79991234567', 'confirmed', ?, ?)`,
    )
    .run(now, now);
  const [local, domain] = address.split('@') as [string, string];
  const mb = db
    .prepare(
      `INSERT INTO mailboxes (account_id, address, local_part, domain, password_hash, created_at, password_changed_at)
       VALUES (?, ?, ?, ?, 'x', ?, ?)`,
    )
    .run(acc.lastInsertRowid, address, local, domain, now, now);
  const id = Number(mb.lastInsertRowid);
  createDefaultFolders(db, id);
  return id;
}

export function setup(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'gp-store-'));
  const db = openDb(dir);
  const mailboxId = addMailbox(db);
  return {
    db,
    dir,
    mailboxId,
    folder(name: string) {
      const f = getFolder(db, mailboxId, name);
      if (!f) throw new Error(`no folder ${name}`);
      return f.id;
    },
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A minimal RFC 5322 message of about `bodyBytes` body bytes. */
export function rawMessage(subject: string, bodyBytes = 100, fill = 'x'): Buffer {
  const header = `From: a@example.org\r\nTo: b@example.org\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@example.org>\r\n\r\n`;
  const line = fill.repeat(76) + '\r\n';
  let body = line.repeat(Math.ceil(bodyBytes / line.length));
  body = body.slice(0, bodyBytes);
  return Buffer.from(header + body, 'utf8');
}

/** A hand-built ParsedMessage for a single-part text message. */
export function parsedFor(raw: Buffer, subject = 'Test'): ParsedMessage {
  const headerEnd = raw.indexOf('\r\n\r\n') + 4;
  return {
    size: raw.length,
    envelope: {
      date: null,
      subject,
      from: [{ name: null, adl: null, mailbox: 'a', host: 'example.org' }],
      sender: null,
      replyTo: null,
      to: [{ name: null, adl: null, mailbox: 'b', host: 'example.org' }],
      cc: null,
      bcc: null,
      inReplyTo: null,
      messageId: `<${subject}@example.org>`,
    },
    bodystructure: {
      type: 'text',
      subtype: 'plain',
      params: [['charset', 'us-ascii']],
      id: null,
      description: null,
      encoding: '7bit',
      size: raw.length - headerEnd,
      lines: 1,
      md5: null,
      disposition: null,
      language: null,
      location: null,
    },
    root: { path: '', headerStart: 0, headerEnd, bodyStart: headerEnd, bodyEnd: raw.length, contentType: 'text/plain' },
    attachmentBytes: 0,
    search: {
      sentDate: null,
      sentDay: null,
      subject: subject,
      from: 'A@Example.org',
      to: 'b@example.org',
      cc: '',
      bcc: '',
      messageId: `<${subject}@example.org>`,
      headers: `Subject: ${subject}\n`,
      body: 'Body Text',
    },
  };
}
