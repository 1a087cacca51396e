/**
 * `npm run bench:pop3`: POP3 download throughput and login cost.
 *
 * The whole server (startServer) in this process with a fresh SQLite file; POP3 on
 * an ephemeral loopback port. One mailbox holds COUNT messages of 10 KB and
 * BIG messages of 1 MB, stored through the writer as SMTP would. A raw TLS client
 * logs in, RETRs every message (byte-stuffing of one line in 50 on the server, chunks read from the
 * store with backpressure), DELEs them all and QUITs (the UPDATE state: one
 * \Deleted + expunge transaction). Prints messages/s and MB/s per size, the QUIT
 * round trip, and the argon2 cost of a login with the mailbox password, with an app
 * password (its selector finds one row), and of either again while cached.
 *
 *   node dist/bench/pop3.js [count=2000] [big=50]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { loopbackConfig } from '../test/helpers/loopback-config.js';
import { silentLogger } from '../src/shared/logger.js';
import { startServer } from '../src/main.js';
import { parseMessage } from '../src/mime/parse.js';
import { getFolder } from '../src/store/folders.js';
import { getMailboxByAddress } from '../src/store/mailboxes.js';
import { createAuthenticator } from '../src/identity/auth.js';
import { addAppPassword } from '../src/identity/app-passwords.js';
import { confirmedAccount, mailboxes } from './people.js';
import { PASSWORD } from './smtp-clients.js';

const COUNT = Number(process.argv[2] ?? 2000);
const BIG = Number(process.argv[3] ?? 50);

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function message(i: number, size: number): Buffer {
  const head = `From: <sender@example.org>\r\nTo: <user0x@example.org>\r\nSubject: message ${i}\r\n\r\n`;
  // One line in 50 starts with a dot (to be stuffed), as in quoted text and signatures.
  const lines = 'a line of text of an ordinary message, some more words to fill it up\r\n'.repeat(49) + '.a line that starts with a dot\r\n';
  return Buffer.from(head + lines.repeat(Math.ceil((size - head.length) / lines.length)));
}

/** A minimal POP3 client: replies, and multi-line bodies counted up to their terminator (scanned once, never re-copied). */
class Client {
  private pending: Buffer[] = [];
  private wake: (() => void) | null = null;
  private constructor(private readonly sock: tls.TLSSocket) {
    sock.on('data', (d: Buffer) => {
      this.pending.push(d);
      this.wake?.();
    });
  }
  static async open(port: number): Promise<Client> {
    const sock = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
    await new Promise<void>((r, j) => (sock.once('secureConnect', () => r()), sock.once('error', j)));
    const c = new Client(sock);
    await c.until(Buffer.from('\r\n'));
    return c;
  }
  /** Bytes received up to and including `end`; what follows stays pending. */
  private async until(end: Buffer): Promise<number> {
    let total = 0;
    let tail = Buffer.alloc(0);
    for (;;) {
      const chunk = this.pending.shift();
      if (!chunk) {
        await new Promise<void>((r) => (this.wake = r));
        continue;
      }
      const hay = Buffer.concat([tail, chunk]);
      const i = hay.indexOf(end);
      if (i >= 0) {
        const used = i + end.length - tail.length;
        if (used < chunk.length) this.pending.unshift(chunk.subarray(used));
        return total + used;
      }
      total += chunk.length;
      tail = hay.subarray(Math.max(0, hay.length - end.length + 1));
    }
  }
  async cmd(line: string): Promise<void> {
    this.sock.write(line + '\r\n');
    await this.until(Buffer.from('\r\n'));
  }
  /** A multi-line response; the bytes received. */
  async multi(line: string): Promise<number> {
    this.sock.write(line + '\r\n');
    return this.until(Buffer.from('\r\n.\r\n'));
  }
  close(): void {
    this.sock.destroy();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gp-bench-pop3-'));
  const port = await freePort();
  const cfg = loopbackConfig(dir, { hostname: 'bench.example.org', pop3: { port }, auth: { failureDelayMs: 0 } });
  const server = await startServer(cfg, { log: silentLogger, pidFile: false, scheduler: false });
  const ctx = { db: server.db, cfg, actor: 'operator:bench' };
  const [user] = await mailboxes(ctx, await confirmedAccount(ctx), 'user', 1);
  const mb = getMailboxByAddress(server.db, user!)!;
  const inbox = getFolder(server.db, mb.id, 'INBOX')!;
  const store = async (n: number, size: number) => {
    for (let i = 0; i < n; i++) {
      const raw = message(i, size);
      await server.writer.deliver({ raw, parsed: parseMessage(raw), targets: [{ folderId: inbox.id }] });
    }
  };

  console.log(`POP3 bench: one mailbox, implicit TLS, synchronous=FULL, Node ${process.version}`);
  console.log('size     messages  msgs/s   MB/s    QUIT (DELE all) ms');
  for (const [label, size, count] of [['10 KB', 10_000, COUNT], ['1 MB', 1_000_000, BIG]] as const) {
    await store(count, size);
    const c = await Client.open(port);
    await c.cmd(`USER ${user}`);
    await c.cmd(`PASS ${PASSWORD}`);
    let bytes = 0;
    const t0 = performance.now();
    for (let n = 1; n <= count; n++) bytes += await c.multi(`RETR ${n}`);
    const ms = performance.now() - t0;
    for (let n = 1; n <= count; n++) await c.cmd(`DELE ${n}`);
    const q0 = performance.now();
    await c.cmd('QUIT');
    const quitMs = performance.now() - q0;
    c.close();
    console.log(`${label.padEnd(8)} ${String(count).padStart(8)}  ${(count / (ms / 1000)).toFixed(0).padStart(6)}  ${(bytes / 1e6 / (ms / 1000)).toFixed(1).padStart(6)}  ${quitMs.toFixed(1).padStart(8)}`);
  }

  const app = await addAppPassword(ctx, user!, 'bench');
  await addAppPassword(ctx, user!, 'bench 2');
  let verifies = 0;
  const auth = createAuthenticator({ db: server.db, cfg, onVerify: () => verifies++ });
  const login = async (password: string) => {
    const v0 = verifies;
    const t0 = performance.now();
    const r = await auth.authenticate({ address: user!, password, protocol: 'pop3', remote: '127.0.0.1' });
    if (!r.ok) throw new Error(`login failed: ${r.reason}`);
    return { ms: performance.now() - t0, verifies: verifies - v0 };
  };
  console.log('login                         argon2 verifications  ms');
  for (const [label, pw] of [['mailbox password', PASSWORD], ['mailbox password, cached', PASSWORD], ['app password', app.password], ['app password, cached', app.password]] as const) {
    const r = await login(pw);
    console.log(`${label.padEnd(30)}${String(r.verifies).padStart(20)}  ${r.ms.toFixed(1).padStart(6)}`);
  }
  auth.close();
  await server.close('bench over');
  rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
