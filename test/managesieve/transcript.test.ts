/**
 * ManageSieve (RFC 5804) as a transcript over a real socket: the capability
 * greeting, AUTHENTICATE refused before STARTTLS (ENCRYPT-NEEDED), the
 * capabilities again after it, PUTSCRIPT with a literal, response codes
 * (NONEXISTENT, ACTIVE, QUOTA/MAXSIZE), GETSCRIPT as a literal, and a session
 * ended with BYE when the mailbox's password changes.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import net from 'node:net';
import tls from 'node:tls';
import { startTestServer, PASSWORD, type TestServer } from '../helpers/server.js';
import { freePort } from '../helpers/child-server.js';
import { changePassword } from '../../src/identity/mailboxes.js';
import { CommandReader, ProtocolError } from '../../src/managesieve/protocol.js';

let t: TestServer;
let port: number;
let alice: string;

beforeAll(async () => {
  port = await freePort();
  t = await startTestServer({ sieve: { port, maxScriptBytes: 1000 } });
  alice = (await t.provision('alice')).address;
});
afterAll(async () => t?.close());

class Client {
  private buf = '';
  private waiters: Array<() => void> = [];
  constructor(private sock: net.Socket) {
    this.attach(sock);
  }
  private attach(s: net.Socket): void {
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      this.buf += d;
      for (const w of this.waiters.splice(0)) w();
    });
    s.on('error', () => undefined);
  }
  /** Everything up to and including the next OK/NO/BYE line. */
  async reply(): Promise<string> {
    for (;;) {
      const m = /(^|\r\n)(OK|NO|BYE)[^\r\n]*\r\n/.exec(this.buf);
      // A reply whose text is a literal ({n}) ends n octets and a CRLF later.
      const lit = m ? /\{(\d+)\}\r\n$/.exec(m[0]) : null;
      if (m && (!lit || this.buf.length >= m.index + m[0].length + Number(lit[1]) + 2)) {
        const end = m.index + m[0].length + (lit ? Number(lit[1]) + 2 : 0);
        const out = this.buf.slice(0, end);
        this.buf = this.buf.slice(end);
        return out;
      }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
  async cmd(line: string): Promise<string> {
    this.sock.write(`${line}\r\n`);
    return this.reply();
  }
  async starttls(): Promise<string> {
    expect(await this.cmd('STARTTLS')).toMatch(/^OK/);
    const secure = tls.connect({ socket: this.sock, rejectUnauthorized: false });
    await new Promise<void>((r) => secure.once('secureConnect', () => r()));
    this.sock = secure;
    this.attach(secure);
    return this.reply();
  }
  close(): void {
    this.sock.destroy();
  }
}

async function open(): Promise<{ c: Client; greeting: string }> {
  const sock = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((r) => sock.once('connect', () => r()));
  const c = new Client(sock);
  return { c, greeting: await c.reply() };
}

const plain = (user: string, pass: string) => Buffer.from(`\0${user}\0${pass}`).toString('base64');

describe('ManageSieve transcript', () => {
  it('greets with capabilities, needs TLS for AUTHENTICATE, and manages scripts', async () => {
    const { c, greeting } = await open();
    expect(greeting).toContain('"IMPLEMENTATION" "gospochta"');
    expect(greeting).toContain('"STARTTLS"');
    expect(greeting).toMatch(/"SIEVE" "fileinto reject ereject envelope vacation imap4flags body copy mailbox"/);
    expect(await c.cmd(`AUTHENTICATE "PLAIN" "${plain(alice, PASSWORD)}"`)).toMatch(/^NO \(ENCRYPT-NEEDED\)/);
    const caps = await c.starttls();
    expect(caps).toContain('"SASL" "PLAIN"');
    expect(caps).not.toContain('"STARTTLS"');
    expect(await c.cmd(`AUTHENTICATE "PLAIN" "${plain(alice, PASSWORD)}"`)).toMatch(/^OK/);
    const script = 'require "fileinto";\r\nfileinto "Work";\r\n';
    expect(await c.cmd(`PUTSCRIPT "work" {${Buffer.byteLength(script)}+}\r\n${script}`)).toMatch(/^OK/);
    expect(await c.cmd('HAVESPACE "big" 5000')).toMatch(/^NO \(QUOTA\/MAXSIZE\)/);
    expect(await c.cmd('CHECKSCRIPT "fileinto \\"x\\";"')).toBe('NO {63}\r\nline 1, column 1: the fileinto command needs require "fileinto"\r\n');
    expect(await c.cmd('SETACTIVE "nope"')).toMatch(/^NO \(NONEXISTENT\)/);
    expect(await c.cmd('SETACTIVE "work"')).toMatch(/^OK/);
    expect(await c.cmd('LISTSCRIPTS')).toBe('"work" ACTIVE\r\nOK\r\n');
    expect(await c.cmd('GETSCRIPT "work"')).toBe(`{${Buffer.byteLength(script)}}\r\n${script}\r\nOK\r\n`);
    expect(await c.cmd('DELETESCRIPT "work"')).toMatch(/^NO \(ACTIVE\)/);
    expect(await c.cmd('RENAMESCRIPT "work" "job"')).toMatch(/^OK/);
    expect(await c.cmd('LISTSCRIPTS')).toBe('"job" ACTIVE\r\nOK\r\n');
    expect(await c.cmd('NOOP "t1"')).toBe('OK (TAG "t1") "Done"\r\n');
    expect(await c.cmd('LOGOUT')).toMatch(/^OK/);
    c.close();
  });

  it('ends a session with BYE when the mailbox password changes', async () => {
    const { c } = await open();
    await c.starttls();
    expect(await c.cmd(`AUTHENTICATE "PLAIN" "${plain(alice, PASSWORD)}"`)).toMatch(/^OK/);
    await changePassword({ db: t.server.db, cfg: t.cfg, actor: 'operator:test', bus: t.server.bus }, alice, 'Another-Horse-43');
    expect(await c.cmd('LISTSCRIPTS')).toMatch(/^BYE .*withdrawn/);
    c.close();
  });

  it('the reader waits for a whole literal and refuses an oversized one', () => {
    const r = new CommandReader({ maxLineBytes: 100, maxLiteralBytes: 10 });
    r.push(Buffer.from('PUTSCRIPT "a" {5+}\r\nab'));
    expect(r.next()).toBeNull();
    r.push(Buffer.from('cde\r\n'));
    expect(r.next()).toEqual({ name: 'PUTSCRIPT', args: [{ kind: 'string', value: 'a' }, { kind: 'string', value: 'abcde' }] });
    r.push(Buffer.from('PUTSCRIPT "a" {50+}\r\n'));
    expect(() => r.next()).toThrow(ProtocolError);
  });
});
