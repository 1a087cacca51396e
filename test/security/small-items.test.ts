/**
 * Smaller holes, over real sockets: "." and ".." as folder levels are refused
 * (RENAME "Archive" "../x" was OK), and a client that resets its connection is
 * an info line in the log, not an error with a stack.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { Writable } from 'node:stream';
import { connect } from 'node:tls';
import { connect as netConnect } from 'node:net';
import { startTestServer, type TestServer, PASSWORD } from '../helpers/server.js';
import { TranscriptClient } from '../helpers/imap.js';
import { createLogger } from '../../src/shared/logger.js';

let t: TestServer | undefined;
afterAll(async () => t?.close());

describe('folder names', () => {
  it('refuses "." and ".." as a level in CREATE and RENAME (no path traversal for folder-to-directory clients)', async () => {
    t = await startTestServer();
    const { address } = await t.provision('folders');
    const c = await TranscriptClient.connect(t.server.imapPort);
    await c.login(address, PASSWORD);
    expect((await c.cmd('r1 RENAME "Archive" "../x"')).at(-1)).toMatch(/^r1 NO .*"\." or "\.\." as a level/);
    expect((await c.cmd('r2 CREATE "a/../b"')).at(-1)).toMatch(/^r2 NO /);
    expect((await c.cmd('r3 CREATE "."')).at(-1)).toMatch(/^r3 NO /);
    expect((await c.cmd('r4 CREATE "a..b"')).at(-1)).toMatch(/^r4 OK/);
    await c.close();
  });
});

describe('a client resetting its connection', () => {
  it('is logged at info level without a stack, on SMTP (in a transaction) and IMAP', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const dest = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as { level: number; msg: string });
        cb();
      },
    });
    const s = await startTestServer({}, { log: createLogger({ level: 'debug', destination: dest }) });
    try {
      const { address } = await s.provision('resetter');
      const dialogues: Array<[number, string[]]> = [
        // smtp-server reports a reset only once a transaction has begun (after MAIL).
        [s.server.smtpPort, ['EHLO x', `AUTH PLAIN ${Buffer.from(`\0${address}\0${PASSWORD}`).toString('base64')}`, `MAIL FROM:<${address}>`]],
        [s.server.imapPort, [`a LOGIN ${address} ${PASSWORD}`]],
      ];
      for (const [port, cmds] of dialogues) {
        const raw = netConnect({ host: '127.0.0.1', port });
        await new Promise<void>((r) => raw.once('connect', () => r()));
        const sock = connect({ socket: raw, rejectUnauthorized: false });
        sock.on('error', () => undefined);
        await new Promise<void>((r) => sock.once('data', () => r()));
        for (const c of cmds) {
          sock.write(c + '\r\n');
          await new Promise<void>((r) => sock.once('data', () => r()));
        }
        raw.resetAndDestroy();
      }
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await s.close();
    }
    const resets = lines.filter((l) => /ECONNRESET/.test(JSON.stringify(l)));
    expect(resets.length, JSON.stringify(lines.slice(-10))).toBeGreaterThanOrEqual(2);
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors, JSON.stringify(errors)).toEqual([]);
    for (const l of resets) expect(JSON.stringify(l)).not.toMatch(/stack/);
  });
});
