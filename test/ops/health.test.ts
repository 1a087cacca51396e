import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import selfsigned from 'selfsigned';
import { webcrypto } from 'node:crypto';
import '../../src/identity/reflect-shim.js';
import * as x509 from '@peculiar/x509';

/** A self-signed certificate that expired yesterday (selfsigned always ends validity from now). */
async function expiredCertificate(): Promise<{ private: string; cert: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=mail.test',
    notBefore: new Date(Date.now() - 10 * 86_400_000),
    notAfter: new Date(Date.now() - 86_400_000),
    signingAlgorithm: alg,
    keys,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return { private: `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`, cert: cert.toString('pem') };
}
import { openDb } from '../../src/store/db.js';
import { checkHealth, formatHealth } from '../../src/ops/health.js';

/** Real TLS listeners that greet the way gospochta's do (or not). */
function listener(cert: { private: string; cert: string }, greet: string | null): Promise<{ server: TlsServer; port: number; lines: string[] }> {
  const lines: string[] = [];
  const server = createTlsServer({ key: cert.private, cert: cert.cert }, (s) => {
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      lines.push(d);
      s.end();
    });
    s.on('error', () => {});
    if (greet !== null) s.write(greet);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, lines })));
}

let dir: string;
let cert: { private: string; cert: string };
const servers: TlsServer[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gp-health-'));
  cert = selfsigned.generate([{ name: 'commonName', value: 'mail.test' }], { days: 30, keySize: 2048, algorithm: 'sha256' });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

const cfg = (dataDir: string) => ({
  dataDir,
  bind: '0.0.0.0',
  hostname: 'mail.test',
  smtp: { port: 0 },
  imap: { port: 0 },
}) as unknown as Parameters<typeof checkHealth>[0];

describe('gospochta health', () => {
  it('is healthy with a good database and both listeners greeting over TLS, and shouts about a self-signed certificate', async () => {
    const data = join(dir, 'ok');
    openDb(data).close();
    const smtp = await listener(cert, '220-mail.test ESMTP\r\n220 ready\r\n');
    const imap = await listener(cert, '* OK [CAPABILITY IMAP4rev1] mail.test ready\r\n');
    servers.push(smtp.server, imap.server);
    const r = await checkHealth(cfg(data), { smtpPort: smtp.port, imapPort: imap.port });
    expect(r.checks.database).toMatchObject({ ok: true, integrity: 'ok', schemaVersion: r.checks.database.codeSchemaVersion });
    expect(r.checks.smtp).toMatchObject({ ok: true, host: '127.0.0.1', greeting: '220 ready' });
    expect(r.checks.imap.ok).toBe(true);
    expect(r.checks.imap.certificate).toMatchObject({ selfSigned: true, trusted: false });
    expect(r.checks.imap.certificate!.daysLeft).toBeGreaterThanOrEqual(28);
    expect(r.ok).toBe(true);
    expect(r.warnings).toHaveLength(1); // one warning for the one certificate both listeners share
    expect(r.warnings[0]).toMatch(/SELF-SIGNED CERTIFICATE/);
    const text = formatHealth(r);
    expect(text).toMatch(/^database  ok /m);
    expect(text).toMatch(/WARNING: SELF-SIGNED/);
    expect(text.trimEnd().endsWith('healthy')).toBe(true);
    // It says goodbye politely.
    while (!smtp.lines.length || !imap.lines.length) await new Promise((res) => setTimeout(res, 10));
    expect(smtp.lines.join('')).toContain('QUIT');
    expect(imap.lines.join('')).toContain('LOGOUT');
  });

  it('fails when a listener refuses, does not greet, or nothing listens; and when there is no database', async () => {
    const refusing = await listener(cert, '421 4.3.2 shutting down\r\n');
    const silent = await listener(cert, null);
    servers.push(refusing.server, silent.server);
    const r = await checkHealth(cfg(join(dir, 'none')), { smtpPort: refusing.port, imapPort: silent.port, timeoutMs: 500 });
    expect(r.ok).toBe(false);
    expect(r.checks.database.ok).toBe(false);
    expect(r.checks.database.detail).toMatch(/no database/);
    expect(r.checks.smtp).toMatchObject({ ok: false, greeting: '421 4.3.2 shutting down' });
    expect(r.checks.imap.ok).toBe(false);
    expect(r.checks.imap.detail).toMatch(/no IMAP greeting/);
    expect(formatHealth(r).trimEnd().endsWith('UNHEALTHY')).toBe(true);

    // A closed port: bind, note the port, close.
    const gone = await listener(cert, '220 x\r\n');
    await new Promise((res) => gone.server.close(res));
    const r2 = await checkHealth(cfg(join(dir, 'none')), { smtpPort: gone.port, imapPort: 0, timeoutMs: 2000 });
    expect(r2.checks.smtp.ok).toBe(false);
    expect(r2.checks.smtp.detail).toMatch(/ECONNREFUSED/);
    expect(r2.checks.imap.detail).toMatch(/port is 0/);
  });

  it('fails on an expired certificate', async () => {
    const data = join(dir, 'expired');
    openDb(data).close();
    const old = await expiredCertificate();
    const smtp = await listener(old, '220 ready\r\n');
    const imap = await listener(cert, '* OK ready\r\n');
    servers.push(smtp.server, imap.server);
    const r = await checkHealth(cfg(data), { smtpPort: smtp.port, imapPort: imap.port });
    expect(r.checks.smtp.ok).toBe(false);
    expect(r.checks.smtp.detail).toMatch(/expired/);
    expect(r.warnings.join('\n')).toMatch(/EXPIRED/);
    expect(r.ok).toBe(false);
  });
});

describe('gospochta health against the real IMAP listener', () => {
  it('sees its TLS handshake and greeting', async () => {
    const { startImap } = await import('../../src/imap/server.js');
    const { EventBus } = await import('../../src/events/bus.js');
    const { loadConfig } = await import('../../src/config/load.js');
    const { silentLogger } = await import('../../src/shared/logger.js');
    const data = join(dir, 'imap');
    const db = openDb(data);
    const config = loadConfig({ env: {}, cwd: dir, overrides: { dataDir: data, hostname: 'mail.test', imap: { port: 0 } } });
    const imap = await startImap({ config, db, bus: new EventBus(), log: silentLogger, tls: { key: cert.private, cert: cert.cert }, port: 0, host: '127.0.0.1' });
    const smtp = await listener(cert, '220 mail.test ESMTP\r\n');
    servers.push(smtp.server);
    try {
      const r = await checkHealth(cfg(data), { smtpPort: smtp.port, imapPort: imap.port });
      expect(r.checks.imap).toMatchObject({ ok: true, port: imap.port });
      expect(r.checks.imap.greeting).toMatch(/^\* OK /);
      expect(r.checks.imap.tlsProtocol).toMatch(/^TLSv1\.[23]$/);
      expect(r.ok).toBe(true);
    } finally {
      await imap.close();
      db.close();
    }
  });
});
