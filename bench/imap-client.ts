/**
 * The IMAP client of the benchmarks (bench/imap.ts, bench/search.ts, bench/sort.ts):
 * one TLS connection, one command at a time, reading to the tagged reply without
 * keeping the responses (a 100k-message FETCH is not held in memory); plain
 * lines, or DEFLATE both ways after COMPRESS (RFC 4978). Counts bytes received.
 */
import tls from 'node:tls';
import zlib from 'node:zlib';
import { PASSWORD } from './smtp-clients.js';

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
  /** Reads to the line starting with `marker` and returns it, keeping only an unfinished line between reads. */
  private async until(marker: string): Promise<string> {
    for (;;) {
      const i = this.text.startsWith(marker) ? 0 : ((j) => (j < 0 ? -1 : j + 2))(this.text.indexOf('\r\n' + marker));
      if (i >= 0) {
        const end = this.text.indexOf('\r\n', i);
        if (end >= 0) {
          const last = this.text.slice(i, end);
          this.text = this.text.slice(end + 2);
          return last;
        }
      }
      const cut = this.text.lastIndexOf('\r\n');
      if (cut > 0) this.text = this.text.slice(cut);
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
  /** Sends `text` with a new tag (and `literal` as a LITERAL+ literal after it); throws unless the reply is OK. */
  async cmd(text: string, literal?: string): Promise<void> {
    const tag = `b${++this.seq}`;
    if (literal === undefined) this.write(`${tag} ${text}\r\n`);
    else this.write(Buffer.from(`${tag} ${text} {${Buffer.byteLength(literal, 'latin1')}+}\r\n${literal}\r\n`, 'latin1'));
    const last = await this.until(`${tag} `);
    if (!/^\S+ OK/.test(last)) throw new Error(`${text}: ${last}`);
  }
  /** Raw bytes, through DEFLATE after COMPRESS. */
  write(data: string | Buffer): void {
    if (this.deflate) {
      this.deflate.write(data);
      this.deflate.flush(zlib.constants.Z_SYNC_FLUSH);
    } else this.sock.write(data);
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
