/**
 * DKIM keys of the served domains (RFC 6376): RSA-2048 made here and kept in the
 * store; the DNS TXT record to publish at `<selector>._domainkey.<domain>`, and the
 * other records an operator publishes for a domain (MX, SPF, DMARC).
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Db } from '../store/db.js';
import type { Config } from '../config/schema.js';
import { getDkimKey, putDkimKey, type DkimKeyRow } from '../store/outbound.js';
import { GpError } from '../shared/errors.js';

export interface DkimView {
  domain: string;
  selector: string;
  algorithm: string;
  createdAt: string;
  /** Where the TXT record goes. */
  name: string;
  /** The TXT record's value. */
  txt: string;
}

function view(k: DkimKeyRow): DkimView {
  return { domain: k.domain, selector: k.selector, algorithm: k.algorithm, createdAt: new Date(k.created_at).toISOString(), name: `${k.selector}._domainkey.${k.domain}`, txt: `v=DKIM1; k=rsa; p=${k.public_key}` };
}

function servedDomain(cfg: Config, domain: string): string {
  const d = domain.trim().toLowerCase();
  if (!cfg.domains.includes(d)) throw new GpError('DOMAIN_NOT_SERVED', `domain ${d} is not served here (served: ${cfg.domains.join(', ')})`);
  return d;
}

export function generateDkim(db: Db, cfg: Config, domain: string, selector = 'gospochta'): DkimView {
  const d = servedDomain(cfg, domain);
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(selector)) throw new GpError('INVALID_SELECTOR', `selector: "${selector}" must be one DNS label (letters, digits, -)`);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const row: DkimKeyRow = {
    domain: d,
    selector: selector.toLowerCase(),
    algorithm: 'rsa-sha256',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    public_key: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    created_at: Date.now(),
  };
  putDkimKey(db, row);
  return view(row);
}

export function showDkim(db: Db, cfg: Config, domain: string): DkimView {
  const d = servedDomain(cfg, domain);
  const k = getDkimKey(db, d);
  if (!k) throw new GpError('NOT_FOUND', `no DKIM key for ${d}; make one with: gospochta dkim generate ${d}`, { kind: 'not_found' });
  return view(k);
}

export interface DnsRecord {
  name: string;
  type: 'MX' | 'TXT';
  value: string;
  why: string;
}

export function dnsRecords(db: Db, cfg: Config, domain: string): DnsRecord[] {
  const d = servedDomain(cfg, domain);
  const k = getDkimKey(db, d);
  return [
    { name: d, type: 'MX', value: `10 ${cfg.hostname}.`, why: 'mail for the domain comes to this server (port 25)' },
    { name: d, type: 'TXT', value: `v=spf1 mx a:${cfg.hostname} -all`, why: 'SPF: only this server sends for the domain' },
    k
      ? { name: `${k.selector}._domainkey.${d}`, type: 'TXT', value: `v=DKIM1; k=rsa; p=${k.public_key}`, why: 'DKIM: the public key of the signature this server adds' }
      : { name: `gospochta._domainkey.${d}`, type: 'TXT', value: `(run: gospochta dkim generate ${d})`, why: 'DKIM: no key yet' },
    { name: `_dmarc.${d}`, type: 'TXT', value: `v=DMARC1; p=quarantine; rua=mailto:postmaster@${d}`, why: 'DMARC: receivers quarantine mail that fails SPF and DKIM alignment' },
  ];
}
