/**
 * The outbound queue survives SIGKILL: messages to a remote domain acknowledged
 * with 250 while the remote server was down are all delivered, each once, after
 * `gospochta serve` (two workers; the primary runs the queue) is killed and
 * started again.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { SMTPServer } from 'smtp-server';
import { startSmtpSink, closeSmtpSink } from '../helpers/smtp-sink.js';
import nodemailer from 'nodemailer';
import { serverDir, freePort, PASSWORD, type ServerDir } from '../helpers/child-server.js';
import { ensureBuilt } from '../cli/helpers.js';

let d: ServerDir;
let sinkPort: number;
let alice: string;
const got: string[] = [];
let sink: SMTPServer | undefined;

beforeAll(async () => {
  ensureBuilt();
  sinkPort = await freePort();
  d = await serverDir(
    { GOSPOCHTA_WORKERS: '2' },
    `notices:\n  newDevice: false\nauth:\n  failureDelayMs: 0\noutbound:\n  routes:\n    gov.test: "127.0.0.1:${sinkPort}"\n  firstRetrySeconds: 1\n  maxRetrySeconds: 1\n  pollMs: 200\n  timeoutMs: 5000\n`,
  );
  alice = (await d.provision('alice')).address;
}, 60_000);
afterAll(async () => {
  await closeSmtpSink(sink);
  d?.cleanup();
});

describe('the outbound queue and SIGKILL', () => {
  it('delivers every acknowledged message once after a kill and a restart', async () => {
    const s1 = d.start();
    await s1.ready;
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: d.smtpPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: alice, pass: PASSWORD } });
    const subjects: string[] = [];
    for (let i = 0; i < 20; i++) {
      const subject = `queued ${i}`;
      const info = await t.sendMail({ from: alice, to: `office${i % 3}@gov.test`, subject, text: 'x' });
      expect(info.response).toMatch(/^250 /);
      subjects.push(subject);
    }
    t.close();
    // The remote is down: attempts fail and are deferred. Kill everything.
    await s1.waitFor((l) => l.msg === 'outbound: deferred');
    s1.child.kill('SIGKILL');
    await s1.exited;
    // Workers go when their primary is gone.
    await new Promise((r) => setTimeout(r, 500));

    sink = await startSmtpSink({ port: sinkPort, onMessage: (m) => got.push(/^Subject: (.*)$/m.exec(m.raw.toString('utf8'))?.[1]?.trim() ?? '?') });
    const s2 = d.start();
    await s2.ready;
    const end = Date.now() + 30_000;
    while (got.length < subjects.length && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000)); // and nothing more arrives
    s2.child.kill('SIGTERM');
    expect((await s2.exited).code).toBe(0);
    expect([...got].sort()).toEqual([...subjects].sort());
    expect(d.db().pragma('integrity_check', { simple: true })).toBe('ok');
    const left = d.db().prepare(`SELECT count(*) AS n FROM outbound_queue WHERE status != 'sent'`).get() as { n: number };
    expect(left.n).toBe(0);
  });
});
