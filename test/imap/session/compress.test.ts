/**
 * COMPRESS=DEFLATE (RFC 4978): the tagged OK goes out plain, then both directions
 * are raw DEFLATE (§4), each burst of responses flushed so the client can read it
 * at once; a second COMPRESS is `NO [COMPRESSIONACTIVE]` (§3), an unknown
 * mechanism `BAD`. imapflow (which compresses whenever the server offers it)
 * fetches the same folder in fewer bytes than with compression turned off.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import tls from 'node:tls';
import zlib from 'node:zlib';
import { ImapFlow } from 'imapflow';
import { startTestImap, sampleMessage, type TestImap } from '../../helpers/imap.js';
import { SocketReader, loopbackTls } from '../../helpers/socket-reader.js';

let h: TestImap;
let user: { address: string; password: string; mailboxId: number };

beforeAll(async () => {
  h = await startTestImap();
  user = await h.provision();
  for (let i = 0; i < 40; i++) h.addMessage(user.mailboxId, 'INBOX', sampleMessage(`Отчёт о налогах номер ${i}`, 'Уважаемый налогоплательщик! '.repeat(40)));
});
afterAll(async () => {
  await h.close();
});

/** A client that speaks plain lines until COMPRESS, then DEFLATE both ways. */
class DeflateClient extends SocketReader {
  private plain = '';
  private text = '';
  private inflate: zlib.InflateRaw | undefined;
  private deflate: zlib.DeflateRaw | undefined;
  private constructor(private readonly socket: tls.TLSSocket) {
    super(socket);
    socket.on('data', (d: Buffer) => {
      if (this.inflate) this.inflate.write(d);
      else this.plain += d.toString('latin1');
      this.wake();
    });
  }
  static async open(port: number): Promise<DeflateClient> {
    const c = new DeflateClient(await loopbackTls(port));
    await c.until('*', false);
    return c;
  }
  startDeflate(): void {
    this.inflate = zlib.createInflateRaw();
    this.inflate.on('data', (d: Buffer) => {
      this.text += d.toString('utf8');
      this.wake();
    });
    this.deflate = zlib.createDeflateRaw();
    this.deflate.on('data', (d: Buffer) => this.socket.write(d));
  }
  async until(tag: string, compressed: boolean): Promise<string[]> {
    for (;;) {
      const buf = compressed ? this.text : this.plain;
      const lines = buf.split('\r\n');
      const i = lines.findIndex((l) => l.startsWith(tag + ' '));
      if (i >= 0) {
        const rest = lines.slice(i + 1).join('\r\n');
        if (compressed) this.text = rest;
        else this.plain = rest;
        return lines.slice(0, i + 1);
      }
      await this.next();
    }
  }
  async cmd(line: string, compressed: boolean): Promise<string[]> {
    const tag = line.slice(0, line.indexOf(' '));
    if (compressed) {
      this.deflate!.write(line + '\r\n');
      this.deflate!.flush(zlib.constants.Z_SYNC_FLUSH);
    } else this.socket.write(line + '\r\n');
    return this.until(tag, compressed);
  }
  close(): void {
    this.socket.destroy();
  }
}

describe('RFC 4978 COMPRESS=DEFLATE', () => {
  it('is offered after login, answers OK plain, then talks DEFLATE both ways', async () => {
    const c = await DeflateClient.open(h.port);
    expect((await c.cmd('a0 COMPRESS DEFLATE', false)).pop()).toMatch(/^a0 BAD COMPRESS: authenticate first/);
    const login = await c.cmd(`a1 LOGIN "${user.address}" "${user.password}"`, false);
    expect(login.pop()).toMatch(/^a1 OK \[CAPABILITY [^\]]* COMPRESS=DEFLATE /);
    expect((await c.cmd('a2 COMPRESS GZIP', false)).pop()).toMatch(/^a2 BAD Unknown compression mechanism GZIP/);
    expect(await c.cmd('a3 COMPRESS DEFLATE', false)).toEqual(['a3 OK DEFLATE active']);
    c.startDeflate();
    expect(await c.cmd('a4 NOOP', true)).toEqual(['a4 OK NOOP completed']);
    expect((await c.cmd('a5 COMPRESS DEFLATE', true)).pop()).toBe('a5 NO [COMPRESSIONACTIVE] DEFLATE is already active');
    const sel = await c.cmd('a6 SELECT INBOX', true);
    expect(sel).toContain('* 40 EXISTS');
    const f = await c.cmd('a7 FETCH 1:40 (FLAGS ENVELOPE)', true);
    expect(f.filter((l) => /^\* \d+ FETCH /.test(l))).toHaveLength(40);
    expect(f.pop()).toBe('a7 OK FETCH completed');
    expect(f[0]).toMatch(/^\* 1 FETCH \(FLAGS \(\\Recent\) ENVELOPE \("/);
    c.close();
  });

  it('imapflow with compression reads the same folder in fewer bytes', async () => {
    async function sync(disableCompression: boolean): Promise<{ bytes: number; subjects: string[] }> {
      const c = new ImapFlow({ host: '127.0.0.1', port: h.port, secure: true, tls: { rejectUnauthorized: false }, auth: { user: user.address, pass: user.password }, logger: false, disableCompression });
      await c.connect();
      const sock = (c as unknown as { socket: tls.TLSSocket }).socket;
      const before = sock.bytesRead;
      await c.mailboxOpen('INBOX');
      const subjects: string[] = [];
      for await (const m of c.fetch('1:*', { envelope: true, bodyStructure: true, flags: true, headers: true, source: true })) subjects.push(m.envelope!.subject!);
      const bytes = sock.bytesRead - before;
      await c.logout();
      return { bytes, subjects };
    }
    const plain = await sync(true);
    const deflated = await sync(false);
    expect(deflated.subjects).toEqual(plain.subjects);
    expect(deflated.subjects).toHaveLength(40);
    expect(deflated.bytes).toBeLessThan(plain.bytes / 3);
  });
});
