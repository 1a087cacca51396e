/**
 * IMAP test harness: the real server in-process on an ephemeral port over real TLS
 * (a self-signed certificate), a real SQLite file in a temp dir, mailboxes provisioned
 * with SQL + createDefaultFolders + an argon2id hash, and a transcript client that
 * sends raw lines and reads until the tagged reply.
 *
 *   const h = await startTestImap();
 *   const { address, password } = await h.provision();
 *   const c = await h.connect();          // greeting in c.greeting
 *   expect(await c.cmd('a1 LOGIN ' + address + ' ' + password)).toEqual([...]);
 *   await c.close(); await h.close();
 */
import tls from 'node:tls';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import argon2 from 'argon2';
import selfsigned from 'selfsigned';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { openDb, type Db } from '../../src/store/db.js';
import { createDefaultFolders, getFolder } from '../../src/store/folders.js';
import { appendMessages } from '../../src/store/messages.js';
import { putBlob } from '../../src/store/blobs.js';
import { publish } from '../../src/store/changes.js';
import { parseMessage } from '../../src/mime/parse.js';
import { EventBus } from '../../src/events/bus.js';
import { silentLogger } from '../../src/shared/logger.js';
import { startImap, type ImapServer, type ImapServerContext } from '../../src/imap/server.js';
import { SocketReader, loopbackTls } from './socket-reader.js';

let certCache: { key: string; cert: string } | undefined;

/** A self-signed certificate for localhost (made once per test file). */
export function testCert(): { key: string; cert: string } {
  if (!certCache) {
    const pems = selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
      days: 2,
      keySize: 2048,
      algorithm: 'sha256',
    });
    certCache = { key: pems.private, cert: pems.cert };
  }
  return certCache;
}

export interface TestImap {
  server: ImapServer;
  port: number;
  db: Db;
  bus: EventBus;
  config: Config;
  dataDir: string;
  /** A confirmed account with one active mailbox and its default folders. */
  provision(address?: string, password?: string): Promise<{ address: string; password: string; mailboxId: number; accountId: number }>;
  connect(): Promise<TranscriptClient>;
  /** Store a message in a folder (as delivery would) and publish the change; returns its uid. */
  addMessage(mailboxId: number, folder: string, raw: string | Buffer, flags?: number): number;
  close(): Promise<void>;
}

/** A small RFC 5322 message. */
export function sampleMessage(subject: string, body = 'Hello.'): string {
  return `From: Анна <anna@example.org>\r\nTo: boris@example.org\r\nSubject: ${subject}\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}.${Math.random().toString(36).slice(2)}@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`;
}

export interface StartOptions {
  /** Config values (deep-merged): e.g. { imap: { maxLineBytes: 1000 } }. */
  config?: Record<string, unknown>;
  server?: Partial<ImapServerContext>;
}

let seq = 0;

export async function startTestImap(opts: StartOptions = {}): Promise<TestImap> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gp-imap-'));
  const config = loadConfig({
    env: {},
    cwd: dataDir,
    overrides: { dataDir, hostname: 'imap.test', domains: ['example.org'], bind: '127.0.0.1', ...(opts.config ?? {}) },
  });
  const db = openDb(dataDir);
  const bus = new EventBus();
  const server = await startImap({
    config,
    db,
    bus,
    log: silentLogger,
    tls: testCert(),
    port: 0,
    host: '127.0.0.1',
    controlPollMs: 200,
    ...(opts.server ?? {}),
  });
  const clients: TranscriptClient[] = [];
  return {
    server,
    port: server.port,
    db,
    bus,
    config,
    dataDir,
    async provision(address = `user${++seq}@example.org`, password = 'Correct-Horse-42') {
      const hash = await argon2.hash(password, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
      const now = Date.now();
      const acc = db
        .prepare(
          `INSERT INTO accounts (full_name, phone, level, status, created_at, updated_at) VALUES ('Иванов Иван Иванович', '+79991234567', 'confirmed', 'active', ?, ?)`,
        )
        .run(now, now);
      db.prepare(
        `INSERT INTO consents (account_id, version, purposes, data_list, granted_at) VALUES (?, '2026-01', '["mail"]', '["name","phone"]', ?)`,
      ).run(acc.lastInsertRowid, now);
      const [local, domain] = address.split('@') as [string, string];
      const mb = db
        .prepare(
          `INSERT INTO mailboxes (account_id, address, local_part, domain, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(acc.lastInsertRowid, address.toLowerCase(), local, domain, hash, now, now);
      const mailboxId = Number(mb.lastInsertRowid);
      createDefaultFolders(db, mailboxId);
      return { address, password, mailboxId, accountId: Number(acc.lastInsertRowid) };
    },
    addMessage(mailboxId, folder, raw, flags = 0) {
      const f = getFolder(db, mailboxId, folder);
      if (!f) throw new Error(`no folder ${folder}`);
      const buf = typeof raw === 'string' ? Buffer.from(raw) : raw;
      const blobId = putBlob(db, buf, parseMessage(buf), 1);
      const r = appendMessages(db, f.id, [{ blobId, size: buf.length, flags }]);
      publish(bus, r);
      return r.uids[0]!;
    },
    async connect() {
      const c = await TranscriptClient.connect(server.port);
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.destroy();
      await server.close();
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A raw IMAP client over TLS: send lines, read response lines. */
export class TranscriptClient extends SocketReader {
  private buf = Buffer.alloc(0);
  private readonly lines: string[] = [];
  greeting = '';

  private constructor(readonly socket: tls.TLSSocket) {
    super(socket);
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      let i: number;
      while ((i = this.buf.indexOf('\r\n')) >= 0) {
        this.lines.push(this.buf.subarray(0, i).toString('utf8'));
        this.buf = this.buf.subarray(i + 2);
      }
      this.wake();
    });
  }

  static async connect(port: number): Promise<TranscriptClient> {
    const c = new TranscriptClient(await loopbackTls(port));
    c.greeting = await c.line();
    return c;
  }

  /** The next response line (throws if the connection closed first). */
  async line(): Promise<string> {
    for (;;) {
      const l = this.lines.shift();
      if (l !== undefined) return l;
      if (this.closed) throw new Error('connection closed');
      await this.next();
    }
  }

  /** Raw bytes. */
  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Several lines (CRLF added to each) in one write: pipelined commands. */
  sendAll(lines: string[]): void {
    this.socket.write(lines.map((l) => l + '\r\n').join(''));
  }

  /** Send one line (CRLF added). */
  send(line: string): void {
    this.socket.write(line + '\r\n');
  }

  /** Lines until (and including) the one starting with `tag `. */
  async until(tag: string): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const l = await this.line();
      out.push(l);
      if (l.startsWith(tag + ' ')) return out;
    }
  }

  /** Send `line` (which starts with its tag) and read to the tagged reply. */
  async cmd(line: string): Promise<string[]> {
    const tag = line.slice(0, line.indexOf(' '));
    this.send(line);
    return this.until(tag);
  }

  /** Lines remaining until the server closes the connection. */
  async rest(): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      try {
        out.push(await this.line());
      } catch {
        return out;
      }
    }
  }

  async login(address: string, password: string): Promise<void> {
    const r = await this.cmd(`L1 LOGIN "${address}" "${password}"`);
    if (!r[r.length - 1]!.startsWith('L1 OK')) throw new Error('login failed: ' + r.join(' | '));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.socket.end();
    await new Promise<void>((r) => {
      if (this.closed) r();
      else this.socket.once('close', () => r());
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A session of `u` logged in with INBOX selected (the set-up of most message tests). */
export async function selectedInbox(h: TestImap, u: { address: string; password: string }): Promise<TranscriptClient> {
  const c = await h.connect();
  await c.login(u.address, u.password);
  await c.cmd('s1 SELECT INBOX');
  return c;
}
