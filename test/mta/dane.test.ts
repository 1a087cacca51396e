/**
 * DANE for outbound mail (RFC 7672, RFC 6698, RFC 7671): the test DNS server
 * plays the validating resolver (`outbound.dnssecResolver`), setting the AD bit
 * for the zones the test calls secure, and serves `_<port>._tcp.<mx>` TLSA records;
 * the "remote" MX hosts are smtp-server instances on loopback addresses, one with
 * STARTTLS and a certificate issued by a test CA (sent with its chain), one
 * without STARTTLS. Cases:
 *   - DANE-EE 3 1 1 of the server's key: delivered over TLS (§3.1.1, no name check);
 *   - 3 1 1 that does not match: deferred with the reason, nothing arrives;
 *   - secure TLSA but no STARTTLS: deferred, nothing sent in clear (§2.2);
 *   - the same TLSA with AD=0 (insecure), or an unsigned MX answer: DANE not
 *     applied, delivered (§2.2, §2.2.1);
 *   - DANE-TA 2 0 1 of the issuing CA: delivered when the certificate names the MX
 *     host, deferred when it does not (§3.1.2, §3.2.2);
 *   - only PKIX-EE (usage 1): no usable record, TLS required without
 *     authentication (§3.1.3, §2.2);
 *   - SERVFAIL (bogus) for the TLSA look-up: deferred (§2.1.1).
 * The queue row says which policy the attempt was held to.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { startTestServer, submitQueued, type TestServer } from '../helpers/server.js';
import { startTestDns, type TestDns } from '../helpers/dns.js';
import { freePort } from '../helpers/child-server.js';
import { deleteQueued, queueRowsOf, type QueueRow } from '../../src/store/outbound.js';
import { until } from '../helpers/mailbox-content.js';

const TLS_ADDR = '127.0.0.1';
const PLAIN_ADDR = '127.0.0.7';

let t: TestServer;
let dns: TestDns;
let tlsSink: SMTPServer;
let plainSink: SMTPServer;
let port = 0;
let alice = '';
const received: Array<{ to: string; secure: boolean }> = [];
const pem: Record<'ca' | 'leaf' | 'key', string> = { ca: '', leaf: '', key: '' };

function makeCerts(): void {
  const dir = mkdtempSync(join(tmpdir(), 'gp-dane-'));
  const f = (n: string) => join(dir, n);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  execFileSync('openssl', ['req', '-x509', ...ec, '-days', '2', '-subj', '/CN=Test DANE CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign', '-keyout', f('ca.key'), '-out', f('ca.pem')], { stdio: 'ignore' });
  execFileSync('openssl', ['req', ...ec, '-subj', '/CN=mx.ta-good.test', '-keyout', f('leaf.key'), '-out', f('leaf.csr')], { stdio: 'ignore' });
  writeFileSync(f('ext.cnf'), 'subjectAltName=DNS:mx.ta-good.test\nbasicConstraints=CA:FALSE\n');
  execFileSync('openssl', ['x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f('ext.cnf'), '-out', f('leaf.pem')], { stdio: 'ignore' });
  pem.ca = readFileSync(f('ca.pem'), 'utf8');
  pem.leaf = readFileSync(f('leaf.pem'), 'utf8');
  pem.key = readFileSync(f('leaf.key'), 'utf8');
}

function sink(plain: boolean): SMTPServer {
  return new SMTPServer({
    key: pem.key,
    cert: pem.leaf + pem.ca,
    authOptional: true,
    disabledCommands: plain ? ['STARTTLS'] : [],
    logger: false,
    onData(stream, session, cb) {
      stream.on('data', () => {});
      stream.on('end', () => {
        for (const r of session.envelope.rcptTo) received.push({ to: r.address, secure: session.secure });
        cb();
      });
    },
  });
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const leafSpki = () => sha256(new X509Certificate(pem.leaf).publicKey.export({ type: 'spki', format: 'der' }));
const caCert = () => sha256(new X509Certificate(pem.ca).raw);

/** A recipient domain with one MX host, its address, its TLSA records and whether its zone is signed. */
function domain(d: string, o: { addr?: string; tlsa?: Array<[number, number, number, string]>; secure?: boolean; tlsaInsecure?: boolean; servfail?: boolean }): void {
  const mx = `mx.${d}`;
  dns.mx.set(d, [{ exchange: mx, priority: 10 }]);
  dns.a.set(mx, [o.addr ?? TLS_ADDR]);
  const name = `_${port}._tcp.${mx}`;
  if (o.tlsa) dns.tlsa.set(name, o.tlsa.map(([usage, selector, mtype, hex]) => ({ usage, selector, mtype, hex })));
  if (o.secure !== false) dns.secure.add(d);
  if (o.servfail) dns.servfail.add(name);
  if (o.tlsaInsecure) dns.insecure.add(name);
}

beforeAll(async () => {
  makeCerts();
  port = await freePort();
  tlsSink = sink(false);
  plainSink = sink(true);
  await new Promise<void>((r) => tlsSink.listen(port, TLS_ADDR, () => r()));
  await new Promise<void>((r) => plainSink.listen(port, PLAIN_ADDR, () => r()));
  dns = await startTestDns();
  const wrong = 'ab'.repeat(32);
  domain('ee-good.test', { tlsa: [[3, 1, 1, leafSpki()]] });
  domain('ee-bad.test', { tlsa: [[3, 1, 1, wrong]] });
  domain('ee-plain.test', { addr: PLAIN_ADDR, tlsa: [[3, 1, 1, leafSpki()]] });
  domain('insecure.test', { tlsa: [[3, 1, 1, wrong]], tlsaInsecure: true });
  domain('unsigned.test', { tlsa: [[3, 1, 1, wrong]], secure: false });
  domain('ta-good.test', { tlsa: [[2, 0, 1, caCert()]] });
  // The same server (its certificate names mx.ta-good.test only) as the MX of another domain.
  domain('ta-wrong.test', { tlsa: [[2, 0, 1, caCert()]] });
  domain('pkix.test', { tlsa: [[1, 1, 1, wrong]] });
  domain('bogus.test', { tlsa: [[3, 1, 1, leafSpki()]], servfail: true });
  t = await startTestServer({
    dns: { servers: [dns.address] },
    outbound: { enabled: true, mxPort: port, dane: true, dnssecResolver: dns.address, firstRetrySeconds: 1, maxRetrySeconds: 1, giveUpSeconds: 3600, pollMs: 200, timeoutMs: 5000 },
  });
  alice = (await t.provision('alice')).address;
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => (tlsSink ? tlsSink.close(() => r()) : r()));
  await new Promise<void>((r) => (plainSink ? plainSink.close(() => r()) : r()));
  await dns?.close();
});

const send = (to: string) => submitQueued(t, { from: alice, to, subject: 'DANE', text: 'x' });

async function delivered(to: string): Promise<{ row: QueueRow; secure: boolean }> {
  const id = await send(to);
  const row = await until(`delivery to ${to}`, () => queueRowsOf(t.server.db, id).find((r) => r.status === 'sent' || r.attempts >= 2));
  expect(row.status, row.last_error ?? '').toBe('sent');
  const got = received.find((r) => r.to === to);
  expect(got, `${to} at the remote server`).toBeDefined();
  return { row, secure: got!.secure };
}

/** Two failed attempts: the row waits, the remote server got nothing. */
async function deferred(to: string): Promise<QueueRow> {
  const id = await send(to);
  const row = await until(`two attempts for ${to}`, () => queueRowsOf(t.server.db, id).find((r) => r.attempts >= 2));
  expect(row.status).toBe('queued');
  expect(received.map((r) => r.to)).not.toContain(to);
  deleteQueued(t.server.db, id);
  return row;
}

describe('DANE (RFC 7672)', () => {
  it('DANE-EE 3 1 1 matching the server key: delivered over STARTTLS, the policy in the queue row', async () => {
    const { row, secure } = await delivered('clerk@ee-good.test');
    expect(secure).toBe(true);
    expect(row.tls).toMatch(/^DANE: TLSv1\.[23], certificate matched DANE-EE 3 1 1$/);
  });

  it('3 1 1 not matching: deferred with the reason, nothing arrives', async () => {
    const row = await deferred('clerk@ee-bad.test');
    expect(row.last_error).toMatch(/DANE: the certificate matches none of the TLSA records \(3 1 1\)/);
  });

  it('secure TLSA but no STARTTLS offered: deferred, nothing sent in clear', async () => {
    const row = await deferred('clerk@ee-plain.test');
    expect(row.last_error).toMatch(/DANE \(TLSA 3 1 1\) requires STARTTLS, which mx\.ee-plain\.test does not offer/);
  });

  it('the same TLSA without the AD bit is not DANE: opportunistic TLS, delivered', async () => {
    const { row, secure } = await delivered('clerk@insecure.test');
    expect(secure).toBe(true);
    expect(row.tls).toMatch(/^opportunistic TLS \(TLSA not DNSSEC-validated\): TLSv1\.[23], certificate not verified$/);
  });

  it('an unsigned MX answer: its hosts\' TLSA records prove nothing (RFC 7672 §2.2.1), delivered', async () => {
    const { row } = await delivered('clerk@unsigned.test');
    expect(row.tls).toMatch(/^opportunistic TLS \(MX not DNSSEC-validated\)/);
  });

  it('DANE-TA 2 0 1 of the issuing CA: delivered when the certificate names the MX host', async () => {
    const { row } = await delivered('clerk@ta-good.test');
    expect(row.tls).toMatch(/certificate matched DANE-TA 2 0 1, name mx\.ta-good\.test$/);
  });

  it('DANE-TA 2 0 1 of the issuing CA, the certificate naming another host: deferred', async () => {
    const row = await deferred('clerk@ta-wrong.test');
    expect(row.last_error).toMatch(/DANE-TA 2 0 1 matched, but the server certificate names none of mx\.ta-wrong\.test, ta-wrong\.test/);
  });

  it('only PKIX-EE (usage 1) records: none usable, TLS required without authentication, delivered', async () => {
    const { row, secure } = await delivered('clerk@pkix.test');
    expect(secure).toBe(true);
    expect(row.tls).toMatch(/^DANE, TLS required without authentication \(no usable TLSA record\): TLSv1\.[23], certificate not verified$/);
  });

  it('a TLSA look-up answered SERVFAIL (bogus): deferred', async () => {
    const row = await deferred('clerk@bogus.test');
    expect(row.last_error).toMatch(/DANE TLSA lookup failed for mx\.bogus\.test: .*SERVFAIL/);
  });
});
