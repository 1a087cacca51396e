/**
 * A POP3 transcript client over real TLS (RFC 1939): one-line replies and
 * multi-line responses (un-stuffed, without the terminating ".").
 */
import { TranscriptClient } from './imap.js';

export class Pop3Client {
  private constructor(readonly c: TranscriptClient) {}

  static async connect(port: number): Promise<Pop3Client> {
    return new Pop3Client(await TranscriptClient.connect(port));
  }

  get greeting(): string {
    return this.c.greeting;
  }

  get closed(): boolean {
    return this.c.closed;
  }

  /** Send a command and read its one-line reply. */
  async cmd(line: string): Promise<string> {
    this.c.send(line);
    return this.c.line();
  }

  /** Send a command; its status line and, after +OK, the lines of the multi-line body. */
  async multi(line: string): Promise<{ status: string; lines: string[] }> {
    const status = await this.cmd(line);
    if (!status.startsWith('+OK')) return { status, lines: [] };
    const lines: string[] = [];
    for (;;) {
      const l = await this.c.line();
      if (l === '.') return { status, lines };
      lines.push(l.startsWith('..') ? l.slice(1) : l);
    }
  }

  async login(user: string, password: string): Promise<string> {
    const u = await this.cmd(`USER ${user}`);
    if (!u.startsWith('+OK')) throw new Error(`USER: ${u}`);
    return this.cmd(`PASS ${password}`);
  }

  /** The next line the server sends unasked (or throws when the connection closed). */
  line(): Promise<string> {
    return this.c.line();
  }

  rest(): Promise<string[]> {
    return this.c.rest();
  }

  destroy(): void {
    this.c.destroy();
  }
}
