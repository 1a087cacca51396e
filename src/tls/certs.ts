/**
 * TLS material for both listeners (RFC 8314 implicit TLS on 465 and 993).
 *
 * With tls.cert / tls.key set, the PEM files are read (and re-read on SIGHUP, so a
 * certbot deploy hook needs only a signal). Without them a self-signed certificate
 * for the hostname, `localhost` and 127.0.0.1 is generated once into
 * <dataDir>/tls/ (key mode 0600) and the log says loudly that clients will warn.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import selfsigned from 'selfsigned';
import type { Config } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import { GpError } from '../shared/errors.js';

export interface TlsMaterial {
  key: string;
  cert: string;
  selfSigned: boolean;
  /** Where the certificate came from. */
  certPath: string;
  keyPath: string;
  /** Re-read the files (SIGHUP). Throws, keeping the old material, if they are unusable. */
  reload(): void;
}

export function selfSignedPaths(dataDir: string): { cert: string; key: string } {
  return { cert: join(dataDir, 'tls', 'cert.pem'), key: join(dataDir, 'tls', 'key.pem') };
}

function generateSelfSigned(cfg: Config, certPath: string, keyPath: string): void {
  const names = [...new Set([cfg.hostname, 'localhost'])];
  const pems = selfsigned.generate([{ name: 'commonName', value: cfg.hostname }], {
    days: 825,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...names.map((value) => ({ type: 2, value })), { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }],
      },
    ],
  });
  mkdirSync(join(cfg.dataDir, 'tls'), { recursive: true, mode: 0o700 });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  chmodSync(keyPath, 0o600);
  writeFileSync(certPath, pems.cert, { mode: 0o644 });
}

function readPair(certPath: string, keyPath: string): { cert: string; key: string } {
  let cert: string;
  let key: string;
  try {
    cert = readFileSync(certPath, 'utf8');
    key = readFileSync(keyPath, 'utf8');
  } catch (e) {
    throw new GpError('TLS_UNREADABLE', `tls: cannot read ${(e as NodeJS.ErrnoException).path ?? certPath}: ${(e as Error).message}`);
  }
  try {
    const x = new X509Certificate(cert);
    if (!x.checkPrivateKey(createPrivateKey(key))) throw new Error('the key does not belong to the certificate');
  } catch (e) {
    throw new GpError('TLS_INVALID', `tls: ${certPath} / ${keyPath}: ${(e as Error).message}`);
  }
  return { cert, key };
}

export function loadTls(cfg: Config, log: Logger): TlsMaterial {
  const configured = Boolean(cfg.tls.cert && cfg.tls.key);
  const paths = configured ? { cert: cfg.tls.cert, key: cfg.tls.key } : selfSignedPaths(cfg.dataDir);
  if (!configured && !(existsSync(paths.cert) && existsSync(paths.key))) {
    generateSelfSigned(cfg, paths.cert, paths.key);
    log.warn({ cert: paths.cert }, `generated a SELF-SIGNED certificate for ${cfg.hostname}`);
  }
  const material: TlsMaterial = {
    ...readPair(paths.cert, paths.key),
    selfSigned: !configured,
    certPath: paths.cert,
    keyPath: paths.key,
    reload() {
      const fresh = readPair(paths.cert, paths.key);
      material.cert = fresh.cert;
      material.key = fresh.key;
    },
  };
  if (!configured) {
    log.warn(
      { cert: paths.cert },
      'USING A SELF-SIGNED CERTIFICATE: mail clients will warn. Set GOSPOCHTA_TLS_CERT and GOSPOCHTA_TLS_KEY to a real certificate for production.',
    );
  }
  return material;
}
