/**
 * Test fixtures for the message store: a real SQLite file in a temp dir, one
 * account with one mailbox and its default folders, and hand-built ParsedMessages.
 */
import { afterEach, beforeEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { applyPragmas, dbPath, openDb, type Db } from '../../src/store/db.js';
import { applyKey, findKey } from '../../src/store/key.js';
import { getFolder } from '../../src/store/folders.js';
import type { ParsedMessage } from '../../src/mime/types.js';
import { addBareMailbox, textMessage } from '../../bench/fixtures.js';

export interface Fixture {
  db: Db;
  dir: string;
  mailboxId: number;
  folder(name: string): number;
  close(): void;
}

let n = 0;

export function addMailbox(db: Db, address = `user${++n}@example.org`): number {
  return addBareMailbox(db, address, { fullName: 'Иванов Иван Иванович', phone: '+79991234567' });
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

/** A fresh store (`setup()`) before each test of the file, closed after it; the fields read the current one. */
export function useStore(): Fixture {
  let fx: Fixture | undefined;
  beforeEach(() => {
    fx = setup();
  });
  afterEach(() => fx?.close());
  const current = (): Fixture => {
    if (!fx) throw new Error('no store (outside a test)');
    return fx;
  };
  return {
    get db() {
      return current().db;
    },
    get dir() {
      return current().dir;
    },
    get mailboxId() {
      return current().mailboxId;
    },
    folder: (name) => current().folder(name),
    close: () => current().close(),
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
  return textMessage({
    raw,
    subject,
    fromMailbox: 'a',
    toMailbox: 'b',
    messageId: `<${subject}@example.org>`,
    lines: 1,
    search: { from: 'A@Example.org', to: 'b@example.org', headers: `Subject: ${subject}\n`, body: 'Body Text' },
  });
}

/** A message of exactly `bytes` bytes: a short header and random body bytes. */
export function bigRaw(bytes: number, subject = 'big'): Buffer {
  const head = Buffer.from(`Subject: ${subject}\r\n\r\n`);
  return Buffer.concat([head, randomBytes(bytes - head.length)]);
}

export interface TracedStore {
  db: Db;
  dir: string;
  /** Every SQL statement the connection ran, in order (trimmed). */
  trace: string[];
  /** The INBOX of one mailbox. */
  inbox: number;
  close(): void;
}

/** The store opened on a connection that records each statement it runs (to see BEGIN, COMMIT, PRAGMA). */
export function tracedStore(): TracedStore {
  const f = setup();
  f.db.close();
  const trace: string[] = [];
  const db = new Database(dbPath(f.dir), { verbose: (sql) => trace.push(String(sql).trim()) });
  applyKey(db, findKey(f.dir)!);
  applyPragmas(db);
  const inbox = getFolder(db, addMailbox(db), 'INBOX')!.id;
  return {
    db,
    dir: f.dir,
    trace,
    inbox,
    close() {
      db.close();
      rmSync(f.dir, { recursive: true, force: true });
    },
  };
}
