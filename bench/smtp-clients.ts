/**
 * The SMTP benchmark's clients: SESSIONS authenticated TLS sessions (nodemailer
 * pools of one connection each, AUTH once per session) submitting prebuilt raw
 * messages of one size, in a worker thread so their TLS and MIME work does not
 * share the event loop of a server running in the same process. Returns the
 * round trip of each message (sendMail → 250, sent only after COMMIT), ms.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import tls from 'node:tls';

export const PASSWORD = 'Correct-Horse-42';

// nodemailer leaves Nagle's algorithm on; with the server's delayed ACK every message then
// waits ~40 ms on the client's last small write. Desktop clients turn it off (Thunderbird's
// sockets use TCP_NODELAY), so the benchmark's client does too.
const connect = tls.connect;
(tls as { connect: typeof tls.connect }).connect = ((...args: Parameters<typeof tls.connect>) => {
  const s = connect(...args);
  s.setNoDelay(true);
  return s;
}) as typeof tls.connect;

export function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}


export interface ClientJob {
  port: number;
  host?: string;
  users: string[];
  size: number;
  count: number;
}

/** The clients run in a worker thread: their TLS and MIME work does not share the server's event loop. */
export function runClients(job: ClientJob): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(fileURLToPath(import.meta.url), { workerData: { ...job, smtpClients: true } });
    w.once('message', (lat: number[]) => resolve(lat));
    w.once('error', reject);
  });
}

async function clientWorker(job: ClientJob): Promise<void> {
  const { port, users, size, count } = job;
  const SESSIONS = users.length;
  // Raw messages built once, so the client spends no time encoding: what is timed is the server.
  const line = 'x'.repeat(76) + '\r\n';
  const body = Buffer.from(line.repeat(Math.ceil(size / line.length)));
    const transports = users.map((u) =>
      nodemailer.createTransport({ pool: true, maxConnections: 1, maxMessages: Infinity, host: job.host ?? '127.0.0.1', port: port, secure: true, tls: { rejectUnauthorized: false }, auth: { user: u, pass: PASSWORD } }),
    );
    // Warm up: one message per session (TLS handshake + AUTH once per pooled connection).
    await Promise.all(transports.map((t, i) => t.sendMail({ from: users[i], to: users[(i + 1) % SESSIONS], subject: 'warm', text: 'x' })));
    const lat: number[] = [];
    let next = 0;
    await Promise.all(
      transports.map(async (t, i) => {
        while (next < count) {
          next++;
          const s = performance.now();
          const from = users[i]!;
          const to = users[(i + 1) % SESSIONS]!;
          const head = Buffer.from(`From: <${from}>\r\nTo: <${to}>\r\nSubject: bench ${next}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n`);
          await t.sendMail({ envelope: { from, to: [to] }, raw: Buffer.concat([head, body]) });
          lat.push(performance.now() - s);
        }
      }),
    );
  for (const t of transports) t.close();
  parentPort!.postMessage(lat);
}

if (!isMainThread && (workerData as { smtpClients?: boolean } | null)?.smtpClients) void clientWorker(workerData as ClientJob);
