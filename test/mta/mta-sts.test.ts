/**
 * MTA-STS (RFC 8461) on deliveries by MX look-up: the recipient domain publishes
 * `_mta-sts` TXT in the test DNS and its policy on an HTTPS server at
 * `mta-sts.<domain>:443` (a loopback address; the certificate is trusted by this
 * process only, through https.globalAgent). Under `mode: enforce` the runner
 * refuses an MX host the policy does not name, a server without STARTTLS and a
 * certificate that does not verify — each attempt deferred, nothing sent in clear;
 * under `mode: testing` the mismatch is only logged and the message delivered.
 * Where DANE applies it takes precedence (RFC 8461 §2): the same self-signed
 * certificate that fails the enforce policy is accepted when secure TLSA records
 * match it (the test DNS is also the validating resolver, AD set for dane.test).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createHash, X509Certificate } from 'node:crypto';
import { createServer as createHttps, globalAgent, type Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { startTestServer, submitQueued, type TestServer } from '../helpers/server.js';
import { startTestDns, type TestDns } from '../helpers/dns.js';
import { freePort } from '../helpers/child-server.js';
import { testCert } from '../helpers/imap.js';
import { deleteQueued, queueRowsOf } from '../../src/store/outbound.js';
import { until } from '../helpers/mailbox-content.js';

const DOMAINS = ['enforce.test', 'plain.test', 'untrusted.test', 'testing.test', 'dane.test'];
/** A loopback address of its own for the policy host, so port 443 is free there. */
const POLICY_ADDR = `127.13.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
const PLAIN_ADDR = '127.0.0.5';

let t: TestServer | undefined;
let dns: TestDns;
let https: HttpsServer | undefined;
let tlsSink: SMTPServer;
let plainSink: SMTPServer;
let skip = '';
const received: string[] = [];
const policies: Record<string, string> = {
  'enforce.test': 'version: STSv1\r\nmode: enforce\r\nmx: mx.elsewhere.test\r\nmax_age: 86400\r\n',
  'plain.test': 'version: STSv1\r\nmode: enforce\r\nmx: mx.plain.test\r\nmax_age: 86400\r\n',
  'untrusted.test': 'version: STSv1\r\nmode: enforce\r\nmx: *.untrusted.test\r\nmax_age: 86400\r\n',
  'testing.test': 'version: STSv1\r\nmode: testing\r\nmx: mx.elsewhere.test\r\nmax_age: 86400\r\n',
  'dane.test': 'version: STSv1\r\nmode: enforce\r\nmx: mx.dane.test\r\nmax_age: 86400\r\n',
};

function sink(opts: { plain: boolean }): SMTPServer {
  const { key, cert } = testCert();
  return new SMTPServer({
    key,
    cert,
    authOptional: true,
    disabledCommands: opts.plain ? ['STARTTLS'] : [],
    logger: false,
    onData(stream, session, cb) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received.push(...session.envelope.rcptTo.map((r) => r.address));
        cb();
      });
    },
  });
}

beforeAll(async () => {
  // The policy host's certificate, for every mta-sts.<domain> name.
  const dir = mkdtempSync(join(tmpdir(), 'gp-sts-'));
  const san = DOMAINS.map((d) => `DNS:mta-sts.${d}`).join(',');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=mta-sts.test', '-addext', `subjectAltName=${san}`, '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
  const cert = readFileSync(join(dir, 'c.pem'));
  https = createHttps({ key: readFileSync(join(dir, 'k.pem')), cert }, (req, res) => {
    const host = String(req.headers.host ?? '').replace(/^mta-sts\./, '');
    const body = req.url === '/.well-known/mta-sts.txt' ? policies[host] : undefined;
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      https!.once('error', reject);
      https!.listen(443, POLICY_ADDR, () => resolve());
    });
  } catch (e) {
    skip = `cannot listen on ${POLICY_ADDR}:443 for the policy host (RFC 8461 §3.3 fixes the port): ${(e as NodeJS.ErrnoException).code}`;
    console.log(`skipping MTA-STS tests: ${skip}`);
    return;
  }
  (globalAgent.options as { ca?: unknown }).ca = [cert];

  const port = await freePort();
  tlsSink = sink({ plain: false });
  plainSink = sink({ plain: true });
  await new Promise<void>((r) => tlsSink.listen(port, '127.0.0.1', () => r()));
  await new Promise<void>((r) => plainSink.listen(port, PLAIN_ADDR, () => r()));
  dns = await startTestDns();
  for (const d of DOMAINS) {
    dns.txt.set(`_mta-sts.${d}`, 'v=STSv1; id=20260101');
    dns.a.set(`mta-sts.${d}`, [POLICY_ADDR]);
    dns.mx.set(d, [{ exchange: `mx.${d}`, priority: 10 }]);
    dns.a.set(`mx.${d}`, [d === 'plain.test' ? PLAIN_ADDR : '127.0.0.1']);
  }
  // dane.test: signed, with a DANE-EE record of the sinks' self-signed key.
  const spki = new X509Certificate(testCert().cert).publicKey.export({ type: 'spki', format: 'der' });
  dns.secure.add('dane.test');
  dns.tlsa.set(`_${port}._tcp.mx.dane.test`, [{ usage: 3, selector: 1, mtype: 1, hex: createHash('sha256').update(spki).digest('hex') }]);
  t = await startTestServer({
    dns: { servers: [dns.address] },
    outbound: { enabled: true, dnssecResolver: dns.address, mxPort: port, firstRetrySeconds: 1, maxRetrySeconds: 1, giveUpSeconds: 3600, pollMs: 200, timeoutMs: 5000 },
  });
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => (tlsSink ? tlsSink.close(() => r()) : r()));
  await new Promise<void>((r) => (plainSink ? plainSink.close(() => r()) : r()));
  await dns?.close();
  await new Promise<void>((r) => (https?.listening ? https.close(() => r()) : r()));
  delete (globalAgent.options as { ca?: unknown }).ca;
});


async function send(to: string): Promise<string> {
  const alice = (await t!.provision(`a${Math.random().toString(36).slice(2, 8)}`)).address;
  return submitQueued(t!, { from: alice, to, subject: 'MTA-STS', text: 'x' });
}

/** Two failed attempts: the row stays queued, the message was not handed over. */
async function deferredTwice(to: string): Promise<string> {
  const id = await send(to);
  const row = await until('two attempts', () => queueRowsOf(t!.server.db, id).find((r) => r.attempts >= 2));
  expect(row.status).not.toBe('sent');
  expect(row.status).not.toBe('bounced');
  expect(received).not.toContain(to);
  deleteQueued(t!.server.db, id);
  return row.last_error ?? '';
}

describe('MTA-STS', () => {
  it('enforce: an MX host the policy does not name is not connected to; the message waits', async (c) => {
    if (skip) return c.skip();
    expect(await deferredTwice('clerk@enforce.test')).toMatch(/MTA-STS policy check failed for mx\.enforce\.test/);
  });

  it('enforce: a server without STARTTLS gets nothing in clear', async (c) => {
    if (skip) return c.skip();
    expect(await deferredTwice('clerk@plain.test')).toMatch(/STARTTLS/i);
  });

  it('enforce: a certificate that does not verify for the MX name is refused', async (c) => {
    if (skip) return c.skip();
    expect(await deferredTwice('clerk@untrusted.test')).toMatch(/certificate|self[- ]signed|altnames/i);
  });

  it('DANE takes precedence: a certificate the enforce policy refuses is taken when secure TLSA records match it', async (c) => {
    if (skip) return c.skip();
    const id = await send('clerk@dane.test');
    const row = await until('sent row', () => queueRowsOf(t!.server.db, id).find((r) => r.status === 'sent' || r.attempts >= 2));
    expect(row.status, row.last_error ?? '').toBe('sent');
    expect(row.tls).toMatch(/^DANE: TLSv1\.[23], certificate matched DANE-EE 3 1 1$/);
    expect(received).toContain('clerk@dane.test');
  });

  it('testing: the mismatch is only reported and the message is delivered', async (c) => {
    if (skip) return c.skip();
    const id = await send('clerk@testing.test');
    await until('delivery', () => (received.includes('clerk@testing.test') ? true : undefined));
    await until('sent row', () => queueRowsOf(t!.server.db, id).find((r) => r.status === 'sent'));
  });
});
