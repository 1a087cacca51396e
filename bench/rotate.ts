/**
 * `npm run bench:rotate`: how long `gospochta key rotate` pauses a running server.
 *
 * For each size (messages of about 8 KiB, each its own blob, filed into one INBOX
 * before the server starts) `gospochta serve` runs as a child process (WORKERS
 * workers; 1 = one process); an IMAP session asks STATUS in a loop and SMTP
 * clients submit in a loop while the CLI rotates the key. Printed per size: the
 * database file size, the pause the server reports (park → reopen), the CLI's
 * wall time, the slowest SMTP submission and the slowest IMAP STATUS seen while
 * the rotation ran, and the client errors (expected: 0).
 *
 *   node dist/bench/rotate.js [sizes=1000,5000,20000] [workers=2] [smtpClients=2]
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { serverDir, repo, PASSWORD, type ServerDir } from '../test/helpers/child-server.js';
import { EventBus } from '../src/events/bus.js';
import { Writer } from '../src/store/deliver.js';
import { getFolder } from '../src/store/folders.js';
import { dbPath } from '../src/store/db.js';
import { parseMessage } from '../src/mime/parse.js';

const SIZES = (process.argv[2] ?? '1000,5000,20000').split(',').map(Number);
const WORKERS = process.argv[3] ?? '2';
const SMTP_CLIENTS = Number(process.argv[4] ?? 2);

function message(n: number): Buffer {
  const line = `message ${n}: a line of text that makes the message about eight kilobytes long...\r\n`;
  return Buffer.from(`From: alice@example.org\r\nTo: bob@example.org\r\nSubject: fill ${n}\r\nMessage-ID: <fill-${n}@example.org>\r\n\r\n${line.repeat(100)}`);
}

async function fill(d: ServerDir, mailboxId: number, count: number): Promise<void> {
  const db = d.db();
  const writer = new Writer(db, new EventBus());
  const folderId = getFolder(db, mailboxId, 'INBOX')!.id;
  for (let i = 0; i < count; i += 500) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + 500); j++) {
      const raw = message(j);
      batch.push(writer.deliver({ raw, parsed: parseMessage(raw), targets: [{ folderId }] }));
    }
    await Promise.all(batch);
  }
  await writer.close();
  db.close();
}

function rotate(d: ServerDir): Promise<{ wallMs: number; pauseMs: number; error?: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [join(repo, 'bin/gospochta.js'), 'key', 'rotate', '--json'], { env: { ...d.env, LOG_LEVEL: 'silent' }, cwd: d.dir }, (err, stdout, stderr) => {
      const wallMs = performance.now() - t0;
      if (err) return resolve({ wallMs, pauseMs: NaN, error: stderr.trim() || stdout.trim() });
      resolve({ wallMs, pauseMs: (JSON.parse(stdout) as { pauseMs: number }).pauseMs });
    });
  });
}

async function one(size: number): Promise<string> {
  const d = await serverDir({ GOSPOCHTA_WORKERS: WORKERS, LOG_LEVEL: 'info' });
  try {
    const alice = await d.provision('alice');
    const bob = await d.provision('bob');
    await fill(d, bob.mailboxId, size);
    const mb = statSync(dbPath(d.env.GOSPOCHTA_DATA_DIR!)).size / 2 ** 20;
    const s = d.start();
    await s.ready;
    const imap = new ImapFlow({ host: '127.0.0.1', port: d.imapPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: bob.address, pass: PASSWORD }, logger: false });
    await imap.connect();
    let stop = false;
    let errors = 0;
    let maxSmtp = 0;
    let maxImap = 0;
    const timed = async (f: () => Promise<unknown>, set: (ms: number) => void) => {
      const t = performance.now();
      await f().catch(() => errors++);
      set(performance.now() - t);
    };
    const clients = Array.from({ length: SMTP_CLIENTS }, async () => {
      const tr = nodemailer.createTransport({ host: '127.0.0.1', port: d.smtpPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: alice.address, pass: PASSWORD } });
      const raw = message(-1);
      while (!stop) await timed(() => tr.sendMail({ envelope: { from: alice.address, to: [bob.address] }, raw }), (ms) => (maxSmtp = Math.max(maxSmtp, ms)));
      tr.close();
    });
    const status = (async () => {
      while (!stop) await timed(() => imap.status('INBOX', { messages: true }), (ms) => (maxImap = Math.max(maxImap, ms)));
    })();
    await new Promise((r) => setTimeout(r, 500));
    maxSmtp = maxImap = 0;
    const r = await rotate(d);
    await new Promise((res) => setTimeout(res, 300));
    stop = true;
    await Promise.all([...clients, status]);
    await imap.logout();
    s.child.kill('SIGTERM');
    await s.exited;
    const f = (n: number) => n.toFixed(0).padStart(8);
    return `${String(size).padStart(8)} ${mb.toFixed(1).padStart(8)} ${f(r.pauseMs)} ${f(r.wallMs)} ${f(maxSmtp)} ${f(maxImap)} ${String(errors).padStart(7)}${r.error ? `  rotation failed: ${r.error}` : ''}`;
  } finally {
    d.cleanup();
  }
}

console.log(`key rotate on a running server, workers=${WORKERS}, ${SMTP_CLIENTS} SMTP clients and 1 IMAP session busy during it (ms)`);
console.log('messages   DB MiB  pauseMs  cliWall maxSmtp maxImap  errors');
for (const size of SIZES) console.log(await one(size));
