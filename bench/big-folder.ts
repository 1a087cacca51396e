/**
 * What the folder benchmarks share (bench/sort.ts, bench/search.ts): a server in
 * this process on a fresh SQLite file with every listener on an ephemeral port, a
 * big folder filled with message rows over stored blobs, one IMAP client over TLS
 * (COMPRESS=DEFLATE on demand), and the timing of a command's first run and its
 * best warm run with the process's CPU time (the machine may be shared; CPU time
 * is the steadier figure).
 */
import tls from 'node:tls';
import zlib from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/load.js';
import { silentLogger } from '../src/shared/logger.js';
import { startServer } from '../src/main.js';
import { confirmedAccount } from './people.js';
import type { Db } from '../src/store/db.js';
import type { IdentityContext } from '../src/identity/context.js';

export { PASSWORD } from './smtp-clients.js';
import { PASSWORD } from './smtp-clients.js';

export interface BenchServer {
  db: Db;
  ctx: IdentityContext;
  accountId: number;
  imapPort: number;
  close(): Promise<void>;
}

export async function benchServer(prefix: string): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const off = { port: 0 };
  const cfg = loadConfig({
    env: {},
    cwd: dir,
    overrides: { dataDir: join(dir, 'data'), domains: ['example.org'], bind: '127.0.0.1', smtp: off, submission: off, mx: off, imap: off, pop3: off, sieve: off, notices: { newDevice: false } },
  });
  const server = await startServer(cfg, { log: silentLogger, pidFile: false, scheduler: false });
  const ctx = { db: server.db, cfg, actor: 'operator:bench' };
  const accountId = await confirmedAccount(ctx);
  return {
    db: server.db,
    ctx,
    accountId,
    imapPort: server.imapPort,
    async close() {
      await server.close('bench over');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface FolderRow {
  blobId: number;
  size: number;
  flags: number;
  /** Internal date (ms). */
  at: number;
}

/** Messages 1..n of an empty folder, row i from `row(i)`, one transaction; each blob referenced once more. */
export function fillFolder(db: Db, folderId: number, n: number, row: (i: number) => FolderRow): void {
  const ins = db.prepare('INSERT INTO messages (folder_id, uid, blob_id, size, flags, internal_date, stored_at, saved_at, modseq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)');
  const ref = db.prepare('UPDATE blobs SET refcount = refcount + 1 WHERE id = ?');
  db.transaction(() => {
    for (let i = 1; i <= n; i++) {
      const r = row(i);
      ins.run(folderId, i, r.blobId, r.size, r.flags, r.at, r.at, r.at);
      ref.run(r.blobId);
    }
    db.prepare('UPDATE folders SET uidnext = ? WHERE id = ?').run(n + 1, folderId);
  })();
}

/** One connection, one command at a time; plain lines, or DEFLATE both ways after COMPRESS. Counts bytes received. */
export class Client {
  private text = '';
  private waiters: Array<() => void> = [];
  private seq = 0;
  private inflate: zlib.InflateRaw | undefined;
  private deflate: zlib.DeflateRaw | undefined;
  received = 0;
  private constructor(private readonly sock: tls.TLSSocket) {
    sock.on('data', (d: Buffer) => {
      this.received += d.length;
      if (this.inflate) this.inflate.write(d);
      else this.push(d.toString('latin1'));
    });
  }
  private push(s: string): void {
    this.text += s;
    for (const w of this.waiters.splice(0)) w();
  }
  static connect(port: number): Promise<Client> {
    return new Promise((res, rej) => {
      const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        s.setNoDelay(true);
        const c = new Client(s);
        c.until('* OK').then(() => res(c), rej);
      });
      s.once('error', rej);
    });
  }
  /** Reads to the line starting with `marker`, keeping only an unfinished line between reads (responses are not kept). */
  private async until(marker: string): Promise<void> {
    for (;;) {
      const i = this.text.startsWith(marker) ? 0 : ((j) => (j < 0 ? -1 : j + 2))(this.text.indexOf('\r\n' + marker));
      if (i >= 0) {
        const end = this.text.indexOf('\r\n', i);
        if (end >= 0) {
          const last = this.text.slice(i, end);
          this.text = this.text.slice(end + 2);
          if (!/^\S+ OK/.test(last) && marker !== '* OK') throw new Error(last);
          return;
        }
      }
      const cut = this.text.lastIndexOf('\r\n');
      if (cut > 0) this.text = this.text.slice(cut);
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
  async cmd(text: string): Promise<void> {
    const tag = `b${++this.seq}`;
    const line = `${tag} ${text}\r\n`;
    if (this.deflate) {
      this.deflate.write(line);
      this.deflate.flush(zlib.constants.Z_SYNC_FLUSH);
    } else this.sock.write(line);
    await this.until(`${tag} `);
  }
  async compress(): Promise<void> {
    await this.cmd('COMPRESS DEFLATE');
    this.inflate = zlib.createInflateRaw();
    this.inflate.on('data', (d: Buffer) => this.push(d.toString('latin1')));
    this.deflate = zlib.createDeflateRaw();
    this.deflate.on('data', (d: Buffer) => this.sock.write(d));
  }
  close(): void {
    this.sock.destroy();
  }
}

/** A logged-in client with `folder` selected. */
export async function selectedClient(port: number, address: string, folder: string): Promise<Client> {
  const c = await Client.connect(port);
  await c.cmd(`LOGIN ${address} ${PASSWORD}`);
  await c.cmd(`SELECT ${folder}`);
  return c;
}

/** `first (cpu) / best (cpu)` in ms: the first run, then the best wall time of `runs` more, each with its CPU time. */
export async function firstAndWarm(fn: () => Promise<unknown>, runs = 3): Promise<string> {
  const once = async (): Promise<[number, number]> => {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await fn();
    const c = process.cpuUsage(c0);
    return [performance.now() - w0, (c.user + c.system) / 1000];
  };
  const [first, firstCpu] = await once();
  let best: [number, number] = [Infinity, 0];
  for (let i = 0; i < runs; i++) {
    const r = await once();
    if (r[0] < best[0]) best = r;
  }
  return `${first.toFixed(0)} (${firstCpu.toFixed(0)}) / ${best[0].toFixed(0)} (${best[1].toFixed(0)})`;
}
