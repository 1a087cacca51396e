/**
 * Qualified electronic-signature certificates (RFC 5280 X.509): the chain must
 * lead to a CA certificate named in config.identity.trustedCaFiles with every
 * signature verified (§6.1 path validation, simplified: signatures, validity
 * periods, issuers being CAs), the certificate valid now, and its subject SNILS
 * (OID 1.2.643.100.3, Russian qualified-certificate profile) equal to the
 * account's. Each refusal has its own stable code.
 */
import './reflect-shim.js';
import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { Config } from '../config/load.js';
import { GpError } from '../shared/errors.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export const OID_SNILS = '1.2.643.100.3';
const MAX_CHAIN = 8;

export interface CertificateInfo {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  thumbprint: string;
  chain: string[];
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function parsePemCertificates(pem: string, what: string): x509.X509Certificate[] {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (!blocks.length) throw new GpError('CERT_INVALID', `${what}: no PEM certificate found`);
  return blocks.map((b) => {
    try {
      return new x509.X509Certificate(b);
    } catch (e) {
      throw new GpError('CERT_INVALID', `${what}: not a readable X.509 certificate (${(e as Error).message})`, { cause: e });
    }
  });
}

export function loadTrustedCas(cfg: Pick<Config, 'identity'>): x509.X509Certificate[] {
  const files = cfg.identity.trustedCaFiles;
  if (!files.length) {
    throw new GpError('CERT_NO_TRUSTED_CA', 'no trusted CA certificates are configured (identity.trustedCaFiles)');
  }
  return files.flatMap((f) => {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      throw new GpError('CERT_NO_TRUSTED_CA', `trusted CA file ${f} cannot be read: ${(e as Error).message}`, { cause: e });
    }
    return parsePemCertificates(text, `trusted CA file ${f}`);
  });
}

function isCa(cert: x509.X509Certificate): boolean {
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  return bc ? bc.ca : false;
}

function sameCert(a: x509.X509Certificate, b: x509.X509Certificate): boolean {
  return Buffer.from(a.rawData).equals(Buffer.from(b.rawData));
}

function validNow(c: x509.X509Certificate, now: number): boolean {
  return c.notBefore.getTime() <= now && now <= c.notAfter.getTime();
}

async function signedBy(cert: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  if (cert.issuer !== issuer.subject) return false;
  try {
    return await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}

/** Follow issuers from the leaf to a trusted CA, verifying each signature. Returns the chain's subjects. */
async function verifyChain(
  leaf: x509.X509Certificate, intermediates: x509.X509Certificate[], trusted: x509.X509Certificate[], now: number,
): Promise<string[]> {
  const chain: string[] = [leaf.subject];
  let cur = leaf;
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    for (const t of trusted) {
      if (sameCert(cur, t) || (isCa(t) && (await signedBy(cur, t)))) {
        if (!validNow(t, now)) throw new GpError('CERT_UNTRUSTED', `the trusted CA certificate "${t.subject}" is not valid now`);
        if (!sameCert(cur, t)) chain.push(t.subject);
        return chain;
      }
    }
    let next: x509.X509Certificate | undefined;
    for (const c of intermediates) {
      if (!sameCert(c, cur) && isCa(c) && (await signedBy(cur, c))) {
        next = c;
        break;
      }
    }
    if (!next) {
      throw new GpError('CERT_UNTRUSTED', `the certificate chain does not lead to a trusted CA (no trusted issuer for "${cur.subject}")`);
    }
    if (!validNow(next, now)) throw new GpError('CERT_UNTRUSTED', `the intermediate CA certificate "${next.subject}" is not valid now`);
    chain.push(next.subject);
    cur = next;
  }
  throw new GpError('CERT_UNTRUSTED', `the certificate chain is longer than ${MAX_CHAIN}`);
}

function snilsDigits(s: string): string {
  return s.replace(/\D/g, '');
}

/**
 * Check a PEM certificate (optionally followed by its intermediate CA
 * certificates) for the account with `accountSnils`. Refusals: CERT_INVALID,
 * CERT_NO_TRUSTED_CA, CERT_UNTRUSTED (broken chain), CERT_EXPIRED,
 * CERT_NOT_YET_VALID, CERT_NO_SNILS, CERT_SNILS_MISMATCH.
 */
export async function checkQualifiedCertificate(
  cfg: Pick<Config, 'identity'>, pem: string, accountSnils: string, now = Date.now(),
): Promise<CertificateInfo> {
  const [leaf, ...intermediates] = parsePemCertificates(pem, 'certificate');
  const trusted = loadTrustedCas(cfg);
  const chain = await verifyChain(leaf!, intermediates, trusted, now);
  if (now > leaf!.notAfter.getTime()) {
    throw new GpError('CERT_EXPIRED', `the certificate expired on ${leaf!.notAfter.toISOString()}`);
  }
  if (now < leaf!.notBefore.getTime()) {
    throw new GpError('CERT_NOT_YET_VALID', `the certificate is not valid before ${leaf!.notBefore.toISOString()}`);
  }
  const field = leaf!.subjectName.getField(OID_SNILS);
  if (!field.length) throw new GpError('CERT_NO_SNILS', `the certificate subject has no SNILS (OID ${OID_SNILS})`);
  if (snilsDigits(field[0]!) !== snilsDigits(accountSnils)) {
    throw new GpError('CERT_SNILS_MISMATCH', "the certificate's SNILS does not match the account's SNILS");
  }
  const thumb = Buffer.from(await leaf!.getThumbprint('SHA-256')).toString('hex');
  return {
    subject: leaf!.subject,
    issuer: leaf!.issuer,
    serialNumber: leaf!.serialNumber,
    notBefore: leaf!.notBefore.toISOString(),
    notAfter: leaf!.notAfter.toISOString(),
    thumbprint: thumb,
    chain,
  };
}
