import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/shared/logger.js';
import { loadTls } from '../../src/tls/certs.js';

describe('TLS material', () => {
  it('generates a self-signed certificate once, with the hostname, localhost and 127.0.0.1 in the SAN, key 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gp-tls-'));
    try {
      const cfg = loadConfig({ env: {}, cwd: dir, overrides: { dataDir: join(dir, 'data'), hostname: 'mail.example.org' } });
      const a = loadTls(cfg, silentLogger);
      expect(a.selfSigned).toBe(true);
      const x = new X509Certificate(a.cert);
      expect(x.subjectAltName).toContain('DNS:mail.example.org');
      expect(x.subjectAltName).toContain('DNS:localhost');
      expect(x.subjectAltName).toContain('IP Address:127.0.0.1');
      expect(statSync(a.keyPath).mode & 0o777).toBe(0o600);
      const b = loadTls(cfg, silentLogger);
      expect(b.cert).toBe(a.cert);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads configured files, reloads them, and refuses a key that does not match', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gp-tls-'));
    try {
      const gen = loadConfig({ env: {}, cwd: dir, overrides: { dataDir: join(dir, 'gen1'), hostname: 'one.example' } });
      const one = loadTls(gen, silentLogger);
      const two = loadTls(loadConfig({ env: {}, cwd: dir, overrides: { dataDir: join(dir, 'gen2'), hostname: 'two.example' } }), silentLogger);
      writeFileSync(join(dir, 'cert.pem'), one.cert);
      writeFileSync(join(dir, 'key.pem'), one.key);
      const cfg = loadConfig({ env: {}, cwd: dir, overrides: { dataDir: join(dir, 'data'), tls: { cert: 'cert.pem', key: 'key.pem' } } });
      const t = loadTls(cfg, silentLogger);
      expect(t.selfSigned).toBe(false);
      writeFileSync(join(dir, 'cert.pem'), two.cert);
      writeFileSync(join(dir, 'key.pem'), two.key);
      t.reload();
      expect(t.cert).toBe(readFileSync(join(dir, 'cert.pem'), 'utf8'));
      writeFileSync(join(dir, 'key.pem'), one.key);
      expect(() => t.reload()).toThrow(/does not belong/);
      expect(t.cert).toBe(two.cert);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
