/**
 * TLS posture of every listener, checked the way testssl.sh does, with `openssl
 * s_client` offering one protocol version or one cipher suite at a time: TLS 1.0
 * and 1.1 refused (RFC 8996), RC4, 3DES and CBC-SHA1 suites refused, the AEAD
 * suites of TLS 1.2 and TLS 1.3 accepted (the controls that make the refusals mean
 * something).
 */
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { freePort } from '../helpers/child-server.js';

const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
if (!haveOpenssl) console.log('skipping the TLS posture checks: openssl is not installed (apt-get install openssl)');

let t: TestServer;
let listeners: Array<{ name: string; port: number; starttls?: string }>;

beforeAll(async () => {
  if (!haveOpenssl) return;
  t = await startTestServer({ submission: { port: await freePort() }, mx: { port: await freePort() } });
  listeners = [
    { name: 'SMTP 465', port: t.server.smtpPort },
    { name: 'submission 587', port: t.server.submissionPort!, starttls: 'smtp' },
    { name: 'MX 25', port: t.server.mxPort!, starttls: 'smtp' },
    { name: 'IMAP 993', port: t.server.imapPort },
  ];
}, 60_000);

afterAll(async () => {
  await t?.close();
});

/**
 * The protocol and cipher negotiated, or null when the handshake failed. Async: the
 * server runs in this process, so a synchronous child would block its event loop.
 */
function handshake(l: { port: number; starttls?: string }, args: string[]): Promise<{ protocol: string; cipher: string } | null> {
  const argv = ['s_client', '-connect', `127.0.0.1:${l.port}`, '-servername', 'mail.example.org', ...(l.starttls ? ['-starttls', l.starttls] : []), ...args];
  return new Promise((resolve) => {
    const child = spawn('openssl', argv, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    // A refused handshake on a STARTTLS listener can leave s_client waiting: the time limit ends it as a failure.
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('close', () => {
      clearTimeout(timer);
      const m = /New, (TLSv[\d.]+), Cipher is (\S+)/.exec(out);
      resolve(m ? { protocol: m[1]!, cipher: m[2]! } : null);
    });
  });
}

// SECLEVEL=0 lets the client offer what the server must refuse (OpenSSL 3 would not even offer it).
const LOW = 'DEFAULT:@SECLEVEL=0';

describe.skipIf(!haveOpenssl)('TLS posture (openssl s_client)', { timeout: 600_000 }, () => {
  it('accepts TLS 1.3 and TLS 1.2 with ECDHE and AES-GCM or ChaCha20-Poly1305', async () => {
    for (const l of listeners) {
      expect(await handshake(l, ['-tls1_3']), l.name).toMatchObject({ protocol: 'TLSv1.3' });
      expect(await handshake(l, ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256']), l.name).toMatchObject({ cipher: 'ECDHE-RSA-AES128-GCM-SHA256' });
      expect(await handshake(l, ['-tls1_2', '-cipher', 'ECDHE-RSA-CHACHA20-POLY1305']), l.name).toMatchObject({ cipher: 'ECDHE-RSA-CHACHA20-POLY1305' });
    }
  });

  it('refuses TLS 1.0 and TLS 1.1', async () => {
    for (const l of listeners) {
      expect(await handshake(l, ['-tls1', '-cipher', LOW]), `${l.name} TLS 1.0`).toBeNull();
      expect(await handshake(l, ['-tls1_1', '-cipher', LOW]), `${l.name} TLS 1.1`).toBeNull();
    }
  });

  it('refuses RC4, 3DES, CBC-SHA1 and static-RSA suites in TLS 1.2', async () => {
    const weak = ['RC4-SHA', 'DES-CBC3-SHA', 'ECDHE-RSA-DES-CBC3-SHA', 'ECDHE-RSA-AES128-SHA', 'AES128-SHA', 'AES128-GCM-SHA256'];
    for (const l of listeners) {
      for (const c of weak) expect(await handshake(l, ['-tls1_2', '-cipher', `${c}:@SECLEVEL=0`]), `${l.name} ${c}`).toBeNull();
    }
  });
});
