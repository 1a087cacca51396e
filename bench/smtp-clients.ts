/**
 * The SMTP benchmark's clients: SESSIONS authenticated implicit-TLS sessions (AUTH
 * once per session) submitting prebuilt raw messages of one size, in a worker
 * thread so their TLS work does not share the event loop of a server running in
 * the same process. Returns the round trip of each message (MAIL FROM → the 250
 * after the data, which gospochta sends only after COMMIT), ms.
 *
 * The client is a plain SMTP dialogue over a TLS socket (RFC 5321 §3.3, RFC 4954
 * AUTH PLAIN), one command at a time and each reply waited for, as desktop clients
 * submit (no PIPELINING). Each message's data is built and dot-stuffed once, before
 * the clock starts (RFC 5321 §4.5.2), so what the client costs per message is its
 * TLS and a few small writes: the machine's cores measure the server, whichever
 * server it is. (A nodemailer client took about 5 ms of CPU per 1 MB message, its
 * dot-stuffing byte by byte in JavaScript, and 0.6 ms per 10 KB message, on the
 * same cores as the server.)
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import tls from 'node:tls';

export const PASSWORD = 'Correct-Horse-42';

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

/** The clients run in a worker thread: their TLS work does not share the server's event loop. */
export function runClients(job: ClientJob): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(fileURLToPath(import.meta.url), { workerData: { ...job, smtpClients: true } });
    w.once('message', (m: { lat?: number[]; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m.lat!)));
    w.once('error', reject);
  });
}

/** One SMTP session over TLS: commands written, replies read whole (multi-line ones joined). */
class Session {
  private buf = '';
  private waiting: ((r: { code: number; text: string }) => void) | null = null;
  private replies: Array<{ code: number; text: string }> = [];
  private failed: Error | null = null;

  private constructor(private readonly sock: tls.TLSSocket) {
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => this.onData(d));
    const fail = (e: Error) => {
      this.failed ??= e;
      const w = this.waiting;
      this.waiting = null;
      w?.({ code: 0, text: e.message });
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('connection closed')));
  }

  static open(host: string, port: number): Promise<Session> {
    return new Promise((resolve, reject) => {
      const sock = tls.connect({ host, port, rejectUnauthorized: false }, () => resolve(new Session(sock)));
      sock.setNoDelay(true);
      sock.once('error', reject);
    });
  }

  private onData(d: string): void {
    this.buf += d;
    let start = 0;
    for (;;) {
      const nl = this.buf.indexOf('\n', start);
      if (nl < 0) break;
      const line = this.buf.slice(start, nl);
      start = nl + 1;
      // RFC 5321 §4.2.1: "250-" continues a reply, "250 " ends it.
      if (line[3] === '-') continue;
      const r = { code: Number(line.slice(0, 3)), text: this.buf.slice(0, nl).replace(/\r/g, '') };
      this.buf = this.buf.slice(start);
      start = 0;
      const w = this.waiting;
      this.waiting = null;
      if (w) w(r);
      else this.replies.push(r);
    }
  }

  reply(): Promise<{ code: number; text: string }> {
    const r = this.replies.shift();
    if (r) return Promise.resolve(r);
    if (this.failed) return Promise.resolve({ code: 0, text: this.failed.message });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Send one command (or the data) and expect a reply of the given class. */
  async send(data: string | Buffer | Array<string | Buffer>, expect: number, what: string): Promise<void> {
    if (Array.isArray(data)) {
      this.sock.cork();
      for (const d of data) this.sock.write(d);
      this.sock.uncork();
    } else if (data.length) this.sock.write(data);
    const r = await this.reply();
    if (Math.floor(r.code / 100) !== Math.floor(expect / 100)) throw new Error(`${what}: ${r.text}`);
  }

  close(): void {
    this.sock.write('QUIT\r\n');
    this.sock.end();
  }
}

/** RFC 5321 §4.5.2: a line starting with "." gets one more; the data ends with CRLF.CRLF. */
export function dataOf(body: Buffer): Buffer {
  const s = body.toString('latin1').replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(s.endsWith('\r\n') ? `${s}.\r\n` : `${s}\r\n.\r\n`, 'latin1');
}

async function login(host: string, port: number, user: string): Promise<Session> {
  const s = await Session.open(host, port);
  await s.send('', 220, 'greeting');
  await s.send('EHLO bench.client\r\n', 250, 'EHLO');
  await s.send(`AUTH PLAIN ${Buffer.from(`\0${user}\0${PASSWORD}`).toString('base64')}\r\n`, 235, 'AUTH');
  return s;
}

/** One message: its header (no line of it starts with ".") and the body's data, built once. */
async function submit(s: Session, from: string, to: string, subject: string, data: Buffer): Promise<void> {
  await s.send(`MAIL FROM:<${from}>\r\n`, 250, 'MAIL');
  await s.send(`RCPT TO:<${to}>\r\n`, 250, 'RCPT');
  await s.send('DATA\r\n', 354, 'DATA');
  const head = `From: <${from}>\r\nTo: <${to}>\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n`;
  await s.send([head, data], 250, 'end of data');
}

async function clientWorker(job: ClientJob): Promise<void> {
  const { port, users, size, count } = job;
  const host = job.host ?? '127.0.0.1';
  const SESSIONS = users.length;
  const line = 'x'.repeat(76) + '\r\n';
  const body = Buffer.from(line.repeat(Math.ceil(size / line.length)));
  // The body's data built (and dot-stuffed) before the clock starts: what is timed is the server.
  const data = dataOf(body);
  const sessions = await Promise.all(users.map((u) => login(host, port, u)));
  // Warm up: one message per session.
  await Promise.all(sessions.map((s, i) => submit(s, users[i]!, users[(i + 1) % SESSIONS]!, 'warm', dataOf(Buffer.from('x\r\n')))));
  const lat: number[] = [];
  let next = 0;
  await Promise.all(
    sessions.map(async (s, i) => {
      while (next < count) {
        const n = ++next;
        const t = performance.now();
        await submit(s, users[i]!, users[(i + 1) % SESSIONS]!, `bench ${n}`, data);
        lat.push(performance.now() - t);
      }
    }),
  );
  for (const s of sessions) s.close();
  parentPort!.postMessage({ lat });
}

if (!isMainThread && (workerData as { smtpClients?: boolean } | null)?.smtpClients) {
  clientWorker(workerData as ClientJob).catch((e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) }));
}
