/** Test PKI: a CA, an intermediate, leaf certificates with a SNILS subject (OID 1.2.643.100.3). */
import '../../src/identity/reflect-shim.js';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 86_400_000;

export interface Issuer {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

function keys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

export async function makeCa(name = 'CN=Test Qualified CA'): Promise<Issuer> {
  const k = await keys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name, keys: k, signingAlgorithm: alg, notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 365 * DAY),
    extensions: [new x509.BasicConstraintsExtension(true, 2, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  return { cert, keys: k };
}

export async function makeIntermediate(ca: Issuer, name = 'CN=Test Intermediate CA'): Promise<Issuer> {
  const k = await keys();
  const cert = await x509.X509CertificateGenerator.create({
    subject: name, issuer: ca.cert.subject, signingKey: ca.keys.privateKey, publicKey: k.publicKey, signingAlgorithm: alg,
    notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 365 * DAY),
    extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
  });
  return { cert, keys: k };
}

export async function makeLeaf(
  issuer: Issuer, snils: string | null, opts: { notBefore?: Date; notAfter?: Date } = {},
): Promise<x509.X509Certificate> {
  const k = await keys();
  return x509.X509CertificateGenerator.create({
    subject: `CN=Иванов Иван Иванович${snils ? `, 1.2.643.100.3=${snils}` : ''}`,
    issuer: issuer.cert.subject, signingKey: issuer.keys.privateKey, publicKey: k.publicKey, signingAlgorithm: alg,
    notBefore: opts.notBefore ?? new Date(Date.now() - DAY), notAfter: opts.notAfter ?? new Date(Date.now() + 30 * DAY),
  });
}

export function pem(...certs: x509.X509Certificate[]): string {
  return certs.map((c) => c.toString('pem')).join('\n') + '\n';
}
