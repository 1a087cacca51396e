/**
 * Data for benchmarks and store tests that load many messages straight into a
 * database: a bare confirmed account with one mailbox, and a ParsedMessage built by
 * hand for a single-part text/plain message as ingest would record it (without
 * paying for the parser, which has its own tests and benchmark).
 */
import type { Db } from '../src/store/db.js';
import type { ParsedMessage } from '../src/mime/types.js';
import { createDefaultFolders } from '../src/store/folders.js';

/** A confirmed account with one mailbox and its default folders, straight into the tables; the mailbox id. */
export function addBareMailbox(db: Db, address: string, person = { fullName: 'Bench', phone: '+70000000000' }): number {
  const now = Date.now();
  const acc = db
    .prepare(`INSERT INTO accounts (full_name, phone, level, created_at, updated_at) VALUES (?, ?, 'confirmed', ?, ?)`)
    .run(person.fullName, person.phone, now, now);
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

export interface TextMessageFields {
  raw: Buffer;
  subject: string;
  /** Envelope mailboxes (local part only, host example.org). */
  fromMailbox: string;
  toMailbox: string;
  messageId: string;
  lines: number;
  /** The search columns of the from/to fields, the headers and the body text. */
  search: { from: string; to: string; headers: string; body: string };
}

export function textMessage(f: TextMessageFields): ParsedMessage {
  const headerEnd = f.raw.indexOf('\r\n\r\n') + 4;
  const raw = f.raw;
  return {
    size: raw.length,
    envelope: {
      date: null,
      subject: f.subject,
      from: [{ name: null, adl: null, mailbox: f.fromMailbox, host: 'example.org' }],
      sender: null,
      replyTo: null,
      to: [{ name: null, adl: null, mailbox: f.toMailbox, host: 'example.org' }],
      cc: null,
      bcc: null,
      inReplyTo: null,
      messageId: f.messageId,
    },
    bodystructure: {
      type: 'text',
      subtype: 'plain',
      params: [['charset', 'us-ascii']],
      id: null,
      description: null,
      encoding: '7bit',
      size: raw.length - headerEnd,
      lines: f.lines,
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
      subject: f.subject,
      from: f.search.from,
      to: f.search.to,
      cc: '',
      bcc: '',
      messageId: f.messageId,
      headers: f.search.headers,
      body: f.search.body,
    },
  };
}
