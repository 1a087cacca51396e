/**
 * `npm run bench:mta`: mail between servers, on loopback.
 *   inbound   SESSIONS remote "servers" (nodemailer over STARTTLS, DKIM-signed)
 *             deliver 10 KB messages to port 25; every message is checked for
 *             SPF, DKIM, DMARC and ARC against a test DNS server: messages/s.
 *   outbound  COUNT submissions to a remote domain, delivered by the queue to a
 *             loopback sink (STARTTLS, DKIM-signed): messages/s from the first
 *             submission to the last delivery.
 * The server runs in this process (startServer) on a fresh data directory.
 *
 *   node dist/bench/mta.js [sessions=20] [count=2000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { loopbackConfig } from '../test/helpers/loopback-config.js';
import { silentLogger } from '../src/shared/logger.js';
import { startServer } from '../src/main.js';
import { confirmedAccount, mailboxes } from './people.js';
import { generateDkim } from '../src/mta/dkim.js';
import { startTestDns } from '../test/helpers/dns.js';
import { freePort } from '../test/helpers/child-server.js';
import { testCert } from '../test/helpers/imap.js';
import { PASSWORD } from './smtp-clients.js';

const SESSIONS = Number(process.argv[2] ?? 20);
const COUNT = Number(process.argv[3] ?? 2000);

async function main(): Promise<void> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dns = await startTestDns({
    'remote.test': 'v=spf1 ip4:127.0.0.1 -all',
    'sel._domainkey.remote.test': `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
    '_dmarc.remote.test': 'v=DMARC1; p=reject',
  });
  const { key, cert } = testCert();
  let delivered = 0;
  let allIn: () => void = () => undefined;
  const done = new Promise<void>((r) => (allIn = r));
  const sink = new SMTPServer({
    key,
    cert,
    authOptional: true,
    logger: false,
    onData(stream, _s, cb) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        if (++delivered === COUNT) allIn();
        cb();
      });
    },
  });
  const sinkPort = await freePort();
  await new Promise<void>((r) => sink.listen(sinkPort, '127.0.0.1', () => r()));
  const mxPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gp-bench-mta-'));
  const cfg = loopbackConfig(dir, {
    hostname: 'bench.example.org',
    mx: { port: mxPort, maxConnectionsPerIp: 1000, messagesPerIpPerMinute: 10_000_000, maxRecipients: 100 },
    dns: { servers: [dns.address] },
    limits: { dailyRecipients: 10_000_000 },
    outbound: { routes: { 'gov.test': `127.0.0.1:${sinkPort}` }, concurrency: 20, pollMs: 100 },
  });
  const server = await startServer(cfg, { log: silentLogger, pidFile: false, scheduler: false });
  try {
    const ctx = { db: server.db, cfg, actor: 'operator:bench' };
    const users = await mailboxes(ctx, await confirmedAccount(ctx), 'user', SESSIONS);
    generateDkim(server.db, cfg, 'example.org', { selector: 'bench' });
    const body = ('x'.repeat(76) + '\r\n').repeat(130);
    console.log(`bench:mta — Node ${process.version}, ${SESSIONS} sessions, 10 KB messages, synchronous=FULL`);

    // Inbound on 25.
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      users.map(async (to, i) => {
        const t = nodemailer.createTransport({ pool: true, maxConnections: 1, maxMessages: Infinity, host: '127.0.0.1', port: mxPort, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, name: `mx${i}.remote.test`, dkim: { domainName: 'remote.test', keySelector: 'sel', privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() } });
        while (next < COUNT) {
          next++;
          await t.sendMail({ envelope: { from: 'news@remote.test', to: [to] }, from: 'news@remote.test', to, subject: `in ${next}`, text: body });
        }
        t.close();
      }),
    );
    const inSecs = (performance.now() - t0) / 1000;
    console.log(`inbound  ${COUNT} messages to port 25 with SPF/DKIM/DMARC/ARC checks: ${(COUNT / inSecs).toFixed(0)} msg/s`);

    // Outbound through the queue.
    next = 0;
    const t1 = performance.now();
    await Promise.all(
      users.map(async (from) => {
        const t = nodemailer.createTransport({ pool: true, maxConnections: 1, maxMessages: Infinity, host: '127.0.0.1', port: server.smtpPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: from, pass: PASSWORD } });
        while (next < COUNT) {
          next++;
          await t.sendMail({ from, to: `office${next % 10}@gov.test`, subject: `out ${next}`, text: body });
        }
        t.close();
      }),
    );
    const subSecs = (performance.now() - t1) / 1000;
    await done;
    const outSecs = (performance.now() - t1) / 1000;
    console.log(`outbound ${COUNT} submissions to a remote domain: queued at ${(COUNT / subSecs).toFixed(0)} msg/s; delivered (STARTTLS, DKIM-signed) at ${(COUNT / outSecs).toFixed(0)} msg/s`);
  } finally {
    await server.close('bench over');
    await new Promise<void>((r) => sink.close(() => r()));
    await dns.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
