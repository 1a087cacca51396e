/**
 * A raw SMTP client over implicit TLS for transcript tests: send a line, read one
 * reply (all its lines, RFC 5321 §4.2.1), notice unsolicited replies (a 421 sent
 * before the server closes) and the end of the connection.
 */
import { connect, type TLSSocket } from 'node:tls';
import { connect as netConnect } from 'node:net';
import { SocketReader, connected } from './socket-reader.js';

export interface SmtpReply {
  code: number;
  text: string;
}

export class RawSmtp extends SocketReader {
  private buf = '';
  private replies: SmtpReply[] = [];

  private constructor(private readonly sock: TLSSocket) {
    super(sock);
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      this.buf += d;
      let m: RegExpExecArray | null;
      // A complete reply: lines "NNN-…" then one "NNN …".
      while ((m = /^((?:\d{3}-[^\r\n]*\r\n)*)(\d{3})(?: [^\r\n]*)?\r\n/.exec(this.buf))) {
        const whole = m[0];
        this.buf = this.buf.slice(whole.length);
        this.replies.push({ code: Number(m[2]), text: whole.trimEnd() });
      }
      this.wake();
    });
  }

  /** Connect to 127.0.0.1:port, from `localAddress` (another loopback address is another client network). */
  static async open(port: number, localAddress?: string): Promise<RawSmtp> {
    // The local address chooses the client network (tls.connect has no localAddress of its own).
    const sock = connect({ socket: netConnect({ host: '127.0.0.1', port, ...(localAddress ? { localAddress } : {}) }), rejectUnauthorized: false });
    await connected(sock);
    const c = new RawSmtp(sock);
    const greeting = await c.read();
    if (greeting.code !== 220) throw new Error(`greeting: ${greeting.text}`);
    return c;
  }

  /** A plain-text connection (the MX port before STARTTLS). */
  static async openPlain(port: number): Promise<RawSmtp> {
    const sock = netConnect({ host: '127.0.0.1', port });
    await connected(sock, 'connect');
    const c = new RawSmtp(sock as unknown as TLSSocket);
    const greeting = await c.read();
    if (greeting.code !== 220) throw new Error(`greeting: ${greeting.text}`);
    return c;
  }

  /**
   * Port 587: greeting and EHLO in the clear, STARTTLS (RFC 3207), then the TLS
   * session; the EHLO after the upgrade is the caller's (§4.2: state is reset).
   */
  static async openStartTls(port: number): Promise<RawSmtp> {
    const plain = await RawSmtp.openPlain(port);
    const ehlo = await plain.cmd('EHLO client.example');
    if (!/STARTTLS/.test(ehlo.text)) throw new Error(`no STARTTLS offered: ${ehlo.text}`);
    const go = await plain.cmd('STARTTLS');
    if (go.code !== 220) throw new Error(`STARTTLS: ${go.text}`);
    const raw = plain.sock as unknown as import('node:net').Socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('close');
    const sock = connect({ socket: raw, rejectUnauthorized: false });
    await connected(sock);
    return new RawSmtp(sock);
  }

  /** The next reply; {code: 0} when the connection closed first. */
  async read(timeoutMs = 15_000): Promise<SmtpReply> {
    const deadline = Date.now() + timeoutMs;
    while (!this.replies.length) {
      if (this.closed) return { code: 0, text: '(connection closed)' };
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no SMTP reply in time');
      await this.next(left);
    }
    return this.replies.shift()!;
  }

  /** Replies the server sent without being asked (e.g. 421 before closing). */
  pending(): SmtpReply[] {
    return this.replies.splice(0);
  }

  write(data: string): void {
    if (!this.closed) this.sock.write(data);
  }

  async cmd(line: string): Promise<SmtpReply> {
    this.write(line + '\r\n');
    return this.read();
  }

  /** EHLO then AUTH PLAIN (authzid NUL authcid NUL password). */
  async login(user: string, password: string, authzid = ''): Promise<SmtpReply> {
    const ehlo = await this.cmd('EHLO client.example');
    if (ehlo.code !== 250) throw new Error(`EHLO: ${ehlo.text}`);
    return this.cmd(`AUTH PLAIN ${Buffer.from(`${authzid}\0${user}\0${password}`).toString('base64')}`);
  }

  /** DATA, the message (dot-stuffed), the final dot; the reply to the final dot. */
  async data(message: string): Promise<SmtpReply> {
    const go = await this.cmd('DATA');
    if (go.code !== 354) return go;
    const body = message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    this.write(body + (body.endsWith('\r\n') ? '' : '\r\n') + '.\r\n');
    return this.read();
  }

  close(): void {
    this.sock.destroy();
  }
}
