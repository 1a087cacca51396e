import { describe, it, expect, afterEach } from 'vitest';
import { createHash } from 'node:crypto';
import { startTestImap, type TestImap } from '../../helpers/imap.js';
import { registerCommand } from '../../../src/imap/registry.js';
import { literalBuffer } from '../../../src/imap/protocol/tokens.js';
import { createLogger } from '../../../src/shared/logger.js';
import { GpError } from '../../../src/shared/errors.js';
import tls from 'node:tls';
import selfsigned from 'selfsigned';

let h: TestImap | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

// Test-only commands: stream a big literal, and read client lines after a continuation.
registerCommand({
  name: 'XBLOB',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const n = Number((ctx.args[0] as { value: string }).value);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    async function* body() {
      for (let sent = 0; sent < n; sent += chunk.length) yield chunk.subarray(0, Math.min(chunk.length, n - sent));
    }
    await ctx.session.writeLiteral('* XBLOB ', n, body(), '\r\n');
    return { status: 'OK', text: 'XBLOB completed' };
  },
});
registerCommand({
  name: 'XWAIT',
  states: ['authenticated', 'selected'],
  interactive: true,
  async run(ctx) {
    await ctx.session.continueRequest('waiting');
    const line = await ctx.session.readLine();
    return line?.toUpperCase() === 'DONE' ? { status: 'OK', text: 'XWAIT completed' } : { status: 'BAD', text: 'expected DONE' };
  },
});

describe('connection lifecycle', () => {
  it('autologout of an idle unauthenticated connection', async () => {
    h = await startTestImap({ config: { imap: { unauthTimeoutMs: 300 } } });
    const c = await h.connect();
    expect(await c.rest()).toEqual(['* BYE Autologout; idle for too long']);
  });

  it('graceful close sends * BYE to every session', async () => {
    h = await startTestImap();
    const u = await h.provision();
    const a = await h.connect();
    const b = await h.connect();
    await b.login(u.address, u.password);
    await h.server.close();
    expect(await a.rest()).toEqual(['* BYE Server shutting down']);
    expect(await b.rest()).toEqual(['* BYE Server shutting down']);
  });

  it('connection limits: total and per mailbox', async () => {
    h = await startTestImap({ config: { imap: { maxConnections: 3, maxConnectionsPerUser: 2 } } });
    const u = await h.provision();
    const a = await h.connect();
    const b = await h.connect();
    const c = await h.connect();
    await a.login(u.address, u.password);
    await b.login(u.address, u.password);
    expect(await c.cmd(`x LOGIN "${u.address}" "${u.password}"`)).toEqual(['x NO [LIMIT] Too many connections for this mailbox']);
    const d = await h.connect();
    expect(d.greeting).toBe('* BYE Too many connections, try again later');
    await a.close();
    // a's slot frees once the server has seen the close; c retries until then
    for (;;) {
      const r = await c.cmd(`y LOGIN "${u.address}" "${u.password}"`);
      if (r[0]!.startsWith('y OK')) break;
      await new Promise((res) => setTimeout(res, 50));
    }
  });

  it('five failed logins close the connection', async () => {
    h = await startTestImap();
    const c = await h.connect();
    for (let i = 1; i <= 4; i++) expect(await c.cmd(`f${i} LOGIN nobody@example.org wrong`)).toEqual([`f${i} NO [AUTHENTICATIONFAILED] Authentication failed`]);
    c.send('f5 LOGIN nobody@example.org wrong');
    expect(await c.rest()).toEqual(['f5 NO [AUTHENTICATIONFAILED] Authentication failed', '* BYE Too many authentication failures']);
  });

  it('twenty BADs in a row close the connection', async () => {
    h = await startTestImap();
    const c = await h.connect();
    c.sendAll(Array.from({ length: 20 }, (_, i) => `b${i} FROB`));
    const lines = await c.rest();
    expect(lines).toHaveLength(21);
    expect(lines[20]).toBe('* BYE Too many invalid commands');
  });
});

describe('errors and certificates', () => {
  it('an internal error answers NO [SERVERBUG] and logs with the session id; a GpError maps to its code', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', pretty: false, destination: { write: (l: string) => void lines.push(l) } });
    h = await startTestImap({ server: { log } });
    registerCommand({
      name: 'XBOOM',
      states: ['not-authenticated'],
      async run() {
        throw new TypeError('cannot read properties of undefined');
      },
    });
    registerCommand({
      name: 'XFULL',
      states: ['not-authenticated'],
      async run() {
        throw new GpError('OVERQUOTA', 'mailbox is full');
      },
    });
    const c = await h.connect();
    expect(await c.cmd('e1 XBOOM')).toEqual(['e1 NO [SERVERBUG] Internal error']);
    expect(await c.cmd('e2 XFULL')).toEqual(['e2 NO [OVERQUOTA] mailbox is full']);
    expect(await c.cmd('e3 NOOP')).toEqual(['e3 OK NOOP completed']);
    const err = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((o) => o.msg === 'command failed');
    expect(err).toMatchObject({ level: 50, command: 'XBOOM' });
    expect(typeof err!.sid).toBe('string');
  });

  it('the certificate can be replaced while running (SIGHUP)', async () => {
    h = await startTestImap();
    const fp = async () => {
      const s = tls.connect({ port: h!.port, host: '127.0.0.1', rejectUnauthorized: false });
      await new Promise((r) => s.once('secureConnect', r));
      const f = s.getPeerCertificate().fingerprint256;
      s.destroy();
      return f;
    };
    const before = await fp();
    const next = selfsigned.generate([{ name: 'commonName', value: 'new.example.org' }], { days: 1, keySize: 2048, algorithm: 'sha256' });
    h.server.setSecureContext({ key: next.private, cert: next.cert });
    const after = await fp();
    expect(after).not.toBe(before);
    expect(after).toBe(new (await import('node:crypto')).X509Certificate(next.cert).fingerprint256);
  });
});

describe('pipelining and streaming', () => {
  it('many commands in one packet are answered in order', async () => {
    h = await startTestImap();
    const c = await h.connect();
    c.sendAll(Array.from({ length: 200 }, (_, i) => `p${i} NOOP`));
    for (let i = 0; i < 200; i++) expect(await c.line()).toBe(`p${i} OK NOOP completed`);
  });

  it('a command reading a line after a continuation gets pipelined DONE, and the next command still runs', async () => {
    h = await startTestImap();
    const u = await h.provision();
    const c = await h.connect();
    await c.login(u.address, u.password);
    c.write('w1 XWAIT\r\nDONE\r\nw2 NOOP\r\n');
    expect(await c.until('w2')).toEqual(['+ waiting', 'w1 OK XWAIT completed', 'w2 OK NOOP completed']);
  });

  it('streams a 20 MB literal to a client with backpressure', async () => {
    h = await startTestImap();
    const u = await h.provision();
    const c = await h.connect();
    await c.login(u.address, u.password);
    const n = 20 * 1024 * 1024;
    // read raw bytes: header line, n bytes, ")\r\n", tagged line
    const done = new Promise<{ header: string; body: Buffer; tail: string }>((resolve) => {
      const chunks: Buffer[] = [];
      let total = 0;
      const expected = `* XBLOB {${n}}\r\n`.length + n + '\r\nx1 OK XBLOB completed\r\n'.length;
      c.socket.removeAllListeners('data');
      c.socket.on('data', (d: Buffer) => {
        chunks.push(d);
        total += d.length;
        if (total < expected) return;
        const buf = Buffer.concat(chunks, total);
        const hdrEnd = buf.indexOf('\r\n');
        const start = hdrEnd + 2;
        resolve({ header: buf.subarray(0, hdrEnd).toString(), body: buf.subarray(start, start + n), tail: buf.subarray(start + n).toString() });
      });
    });
    const t0 = Date.now();
    c.send(`x1 XBLOB ${n}`);
    const r = await done;
    expect(r.header).toBe(`* XBLOB {${n}}`);
    expect(createHash('sha256').update(r.body).digest('hex')).toBe(createHash('sha256').update(Buffer.alloc(n, 0x61)).digest('hex'));
    expect(r.tail).toBe('\r\nx1 OK XBLOB completed\r\n');
    console.log(`streamed ${n} bytes in ${Date.now() - t0} ms`);
  });

  it('a literal source failing half-way cuts the connection; the server goes on', async () => {
    h = await startTestImap();
    const u = await h.provision();
    registerCommand({
      name: 'XBROKEN',
      states: ['authenticated'],
      async run(ctx) {
        async function* body() {
          yield Buffer.alloc(1000, 0x61);
          throw new Error('disk read failed');
        }
        await ctx.session.writeLiteral('* XBROKEN ', 5000, body(), '\r\n');
        return { status: 'OK', text: 'never' };
      },
    });
    const c = await h.connect();
    await c.login(u.address, u.password);
    c.send('x1 XBROKEN');
    const rest = await c.rest();
    expect(rest[0]).toBe('* XBROKEN {5000}');
    expect(rest.join('\n')).not.toContain('x1 ');
    const d = await h.connect();
    expect(await d.cmd('y1 NOOP')).toEqual(['y1 OK NOOP completed']);
  });

  it('takes a large APPEND-sized literal in chunks (LITERAL+), or in the temporary area above imap.literalSpoolBytes', async () => {
    h = await startTestImap({ config: { imap: { literalSpoolBytes: 16 * 1024 * 1024 } } });
    const u = await h.provision();
    registerCommand({
      name: 'XSINK',
      states: ['authenticated'],
      async run(ctx) {
        const lit = ctx.args[0];
        if (lit?.type !== 'literal') return { status: 'BAD', text: 'no literal' };
        if (lit.spool) return { status: 'OK', text: `${lit.size} bytes spooled, ${literalBuffer(lit).length} read back` };
        const max = Math.max(...lit.chunks.map((b) => b.length));
        return { status: 'OK', text: `${lit.size} bytes in ${lit.chunks.length > 1 ? 'chunks' : 'one'} max ${max <= 65536 ? 'ok' : max}` };
      },
    });
    const n = 10 * 1024 * 1024;
    const c = await h.connect();
    await c.login(u.address, u.password);
    c.write(`s1 XSINK {${n}+}\r\n`);
    c.write(Buffer.alloc(n, 0x62));
    c.write('\r\n');
    expect(await c.until('s1')).toEqual([`s1 OK ${n} bytes in chunks max ok`]);
    await h.close();

    h = await startTestImap();
    const v = await h.provision();
    const d = await h.connect();
    await d.login(v.address, v.password);
    d.write(`s2 XSINK {${n}+}\r\n`);
    d.write(Buffer.alloc(n, 0x62));
    d.write('\r\n');
    expect(await d.until('s2')).toEqual([`s2 OK ${n} bytes spooled, ${n} read back`]);
  });
});
