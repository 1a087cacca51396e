/**
 * The client end of one SMTP session to another server (RFC 5321), small on
 * purpose: replies read line by line (§4.2, multi-line `ddd-`), one command at a
 * time, STARTTLS (RFC 3207 §4) on the same socket with the caller's TLS options
 * so the caller can look at the certificate before anything of the message is
 * sent, and DATA with dot-stuffing (§4.5.2) and CRLF line ends (§2.3.8).
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { StringDecoder } from 'node:string_decoder';

export interface Reply {
  code: number;
  /** The reply's lines, joined with a newline. */
  text: string;
  lines: string[];
}

/** A failure of the session: a reply the client did not want, or the connection. */
export class SmtpFailure extends Error {
  constructor(
    message: string,
    readonly stage: string,
    readonly reply: Reply | null,
  ) {
    super(message);
  }
}

export class SmtpClient {
  private buf = '';
  private readonly decoder = new StringDecoder('utf8');
  private lines: string[] = [];
  private waiter: { resolve: (r: Reply) => void; reject: (e: Error) => void } | null = null;
  /** Replies that came before anyone asked (a server that answers ahead). */
  private pending: Reply[] = [];
  private failure: Error | null = null;
  private readonly onData = (c: Buffer) => this.take(c);

  private constructor(
    private socket: Socket,
    private readonly timeoutMs: number,
  ) {
    this.watch(socket);
  }

  /** Connects (or takes a connected socket) and reads the greeting. */
  static async open(o: { socket?: Socket | null; host: string; port: number; timeoutMs: number }): Promise<{ client: SmtpClient; greeting: Reply }> {
    const socket = o.socket ?? (await connectTcp(o.host, o.port, o.timeoutMs));
    const client = new SmtpClient(socket, o.timeoutMs);
    return { client, greeting: await client.read('greeting') };
  }

  get secure(): boolean {
    return 'encrypted' in this.socket;
  }

  get tlsSocket(): TLSSocket | null {
    return this.secure ? (this.socket as TLSSocket) : null;
  }

  private watch(s: Socket) {
    s.setTimeout(this.timeoutMs, () => s.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
    s.on('data', this.onData);
    s.on('error', (e) => this.fail(e));
    s.on('close', () => this.fail(new Error('the server closed the connection')));
  }

  private fail(e: Error) {
    this.failure ??= e;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(this.failure);
  }

  private take(c: Buffer) {
    this.buf += this.decoder.write(c);
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i).replace(/\r$/, '');
      this.buf = this.buf.slice(i + 1);
      this.lines.push(line);
      // RFC 5321 §4.2.1: "ddd-" continues, "ddd " (or a bare "ddd") ends the reply.
      if (!/^\d{3}-/.test(line)) this.finish();
    }
  }

  private finish() {
    const lines = this.lines.map((l) => l.slice(4));
    const code = Number(this.lines[this.lines.length - 1]!.slice(0, 3)) || 0;
    const reply = { code, text: this.lines.join('\n'), lines };
    this.lines = [];
    const w = this.waiter;
    this.waiter = null;
    if (w) w.resolve(reply);
    else this.pending.push(reply);
  }

  /** The next reply. */
  read(stage: string): Promise<Reply> {
    const r = this.pending.shift();
    if (r) return Promise.resolve(r);
    if (this.failure) return Promise.reject(new SmtpFailure(`${this.failure.message} (at ${stage})`, stage, null));
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject: (e) => reject(new SmtpFailure(`${e.message} (at ${stage})`, stage, null)) };
    });
  }

  /** Sends one command line and reads its reply. */
  command(line: string, stage = line.split(/[\s:]/)[0]!.toUpperCase()): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    return this.read(stage);
  }

  /** RFC 3207 §4: after `220` to STARTTLS the TLS handshake starts on the same connection. */
  async startTls(options: ConnectionOptions): Promise<TLSSocket> {
    const plain = this.socket;
    plain.removeListener('data', this.onData);
    plain.setTimeout(0);
    const tls = await new Promise<TLSSocket>((resolve, reject) => {
      const t = tlsConnect({ ...options, socket: plain }, () => resolve(t));
      t.once('error', reject);
    });
    this.socket = tls;
    this.watch(tls);
    return tls;
  }

  /** DATA's content: dot-stuffed, CRLF line ends, ended by `.` (RFC 5321 §4.1.1.4, §4.5.2). */
  async data(raw: Buffer): Promise<Reply> {
    this.socket.write(dotStuff(raw));
    this.socket.write('.\r\n');
    return this.read('DATA');
  }

  close(): void {
    if (!this.socket.destroyed && this.failure === null) {
      this.socket.end('QUIT\r\n');
      setTimeout(() => this.socket.destroy(), 1000).unref();
    } else this.socket.destroy();
  }
}

function connectTcp(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host, port });
    const timer = setTimeout(() => s.destroy(new Error(`no connection to ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** A line starting with "." gets another in front; bare LF becomes CRLF; the text ends with CRLF. */
export function dotStuff(raw: Buffer): Buffer {
  const out = Buffer.allocUnsafe(raw.length + Math.ceil(raw.length / 40) + 4);
  let o = 0;
  let lineStart = true;
  let grow = out;
  const put = (b: number) => {
    if (o >= grow.length) {
      const bigger = Buffer.allocUnsafe(grow.length * 2);
      grow.copy(bigger, 0, 0, o);
      grow = bigger;
    }
    grow[o++] = b;
  };
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (lineStart && b === 0x2e) put(0x2e);
    if (b === 0x0a && (i === 0 || raw[i - 1] !== 0x0d)) put(0x0d);
    put(b);
    lineStart = b === 0x0a;
  }
  if (!lineStart) {
    put(0x0d);
    put(0x0a);
  }
  return grow.subarray(0, o);
}
