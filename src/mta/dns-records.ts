/**
 * What an operator publishes in DNS for a served domain (`gospochta dns DOMAIN`):
 *   - MX (RFC 5321 §5.1), SPF (RFC 7208), DKIM (RFC 6376 §3.6.1), DMARC (RFC 7489 §6.1);
 *   - MTA-STS (RFC 8461): the `_mta-sts` TXT record (§3.1; its `id` is a digest of
 *     the policy, so it changes exactly when the policy does) and the policy text
 *     to serve at `https://mta-sts.<domain>/.well-known/mta-sts.txt` (§3.2, §3.3);
 *   - TLS reporting (RFC 8460 §3): `_smtp._tls` TXT with the `rua` address;
 *   - DANE (RFC 7672 §3.1.1, RFC 7671 §5.1): `_25._tcp.<hostname>` TLSA 3 1 1, the
 *     SHA-256 of this server's SubjectPublicKeyInfo — it pins the key, so a
 *     certificate with a new key (a regenerated self-signed one, or a renewal
 *     with a new key) needs the new record published first (RFC 7671 §8.1).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Db } from '../store/db.js';
import type { Config } from '../config/schema.js';
import { getDkimKey } from '../store/outbound.js';
import { selfSignedPaths } from '../tls/certs.js';
import { dkimTxt, servedDomain } from './dkim.js';

export interface DnsRecord {
  name: string;
  type: 'MX' | 'TXT' | 'TLSA';
  value: string;
  why: string;
}

export interface DomainDns {
  records: DnsRecord[];
  /** The MTA-STS policy file and where to serve it. */
  mtaStsPolicy: { url: string; text: string };
  warnings: string[];
}

/** RFC 8461 §3.2: the policy, one key/value pair per CRLF-ended line. */
export function mtaStsPolicy(cfg: Config): string {
  return [`version: STSv1`, `mode: ${cfg.mx.mtaStsMode}`, `mx: ${cfg.hostname}`, `max_age: ${cfg.mx.mtaStsMaxAgeSeconds}`, ''].join('\r\n');
}

function daneRecord(cfg: Config): { record: DnsRecord; warnings: string[] } {
  const certPath = cfg.tls.cert || selfSignedPaths(cfg.dataDir).cert;
  const name = `_25._tcp.${cfg.hostname}`;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(readFileSync(certPath));
  } catch (e) {
    const why = `DANE: no certificate to compute it from yet (${certPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); start the server once`;
    return { record: { name, type: 'TLSA', value: '(start the server once, then run this again)', why }, warnings: [why] };
  }
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  const digest = createHash('sha256').update(spki).digest('hex');
  const selfSigned = cert.checkIssued(cert) && cert.verify(cert.publicKey);
  const warnings = selfSigned
    ? [`the certificate is self-signed: when it is made again (it expires on ${cert.validTo}) its key changes, and the TLSA record must be changed with it — publish the new record before the new certificate is used (RFC 7671 §8.1)`]
    : ['the TLSA record pins the certificate key: a renewal that keeps the key keeps the record; a new key needs the new record published first (RFC 7671 §8.1)'];
  return { record: { name, type: 'TLSA', value: `3 1 1 ${digest}`, why: 'DANE: other servers require TLS with this key (only where the zone is DNSSEC-signed)' }, warnings };
}

export function dnsRecords(db: Db, cfg: Config, domain: string): DomainDns {
  const d = servedDomain(cfg, domain);
  const k = getDkimKey(db, d);
  const policy = mtaStsPolicy(cfg);
  const stsId = createHash('sha256').update(policy).digest('hex').slice(0, 20);
  const rua = cfg.mx.tlsRptAddress || `postmaster@${d}`;
  const dane = daneRecord(cfg);
  const records: DnsRecord[] = [
    { name: d, type: 'MX', value: `10 ${cfg.hostname}.`, why: 'mail for the domain comes to this server (port 25)' },
    { name: d, type: 'TXT', value: `v=spf1 mx a:${cfg.hostname} -all`, why: 'SPF: only this server sends for the domain' },
    k
      ? { name: `${k.selector}._domainkey.${d}`, type: 'TXT', value: dkimTxt(k), why: 'DKIM: the public key of the signature this server adds' }
      : { name: `gospochta._domainkey.${d}`, type: 'TXT', value: `(run: gospochta dkim generate ${d})`, why: 'DKIM: no key yet' },
    { name: `_dmarc.${d}`, type: 'TXT', value: `v=DMARC1; p=quarantine; rua=mailto:postmaster@${d}`, why: 'DMARC: receivers quarantine mail that fails SPF and DKIM alignment' },
    { name: `_mta-sts.${d}`, type: 'TXT', value: `v=STSv1; id=${stsId}`, why: `MTA-STS: a policy is served at https://mta-sts.${d}/ (mode ${cfg.mx.mtaStsMode}); the id changes with the policy` },
    { name: `_smtp._tls.${d}`, type: 'TXT', value: `v=TLSRPTv1; rua=mailto:${rua}`, why: 'TLS-RPT: where other servers send reports of TLS failures' },
    dane.record,
  ];
  const warnings = [
    `MTA-STS: serve the policy over HTTPS at mta-sts.${d} with a certificate other servers verify (RFC 8461 §3.3); mode enforce only once this server's certificate verifies for ${cfg.hostname}`,
    ...dane.warnings,
  ];
  return { records, mtaStsPolicy: { url: `https://mta-sts.${d}/.well-known/mta-sts.txt`, text: policy }, warnings };
}
