/**
 * DKIM keys of the served domains (RFC 6376): RSA-2048, or Ed25519 (RFC 8463),
 * made here and kept in the store; the DNS TXT record to publish at
 * `<selector>._domainkey.<domain>` (the other records of a domain: dns-records.ts).
 *
 * RFC 8463 §4.2: an Ed25519 key's `p=` is the base64 of the bare 32-byte public
 * key, not an SPKI structure (the last 32 bytes of node's SPKI DER). Receivers
 * that do not know Ed25519 ignore such a signature (RFC 6376 §6.1.2), so a
 * domain keeps deliverability everywhere only with an RSA key; Ed25519 is the
 * operator's choice.
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

export type DkimAlgorithm = 'rsa' | 'ed25519';

/** The TXT value of a key's DNS record (RFC 6376 §3.6.1; k=ed25519 from RFC 8463 §4.2). */
export function dkimTxt(k: Pick<DkimKeyRow, 'algorithm' | 'public_key'>): string {
  return `v=DKIM1; k=${k.algorithm.startsWith('ed25519') ? 'ed25519' : 'rsa'}; p=${k.public_key}`;
}

function view(k: DkimKeyRow): DkimView {
  return { domain: k.domain, selector: k.selector, algorithm: k.algorithm, createdAt: new Date(k.created_at).toISOString(), name: `${k.selector}._domainkey.${k.domain}`, txt: dkimTxt(k) };
}

function makeKeyPair(algorithm: DkimAlgorithm): { algorithm: string; private_key: string; public_key: string } {
  if (algorithm === 'ed25519') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    return { algorithm: 'ed25519-sha256', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), public_key: spki.subarray(spki.length - 32).toString('base64') };
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { algorithm: 'rsa-sha256', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), public_key: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}

export function servedDomain(cfg: Config, domain: string): string {
  const d = domain.trim().toLowerCase();
  if (!cfg.domains.includes(d)) throw new GpError('DOMAIN_NOT_SERVED', `domain ${d} is not served here (served: ${cfg.domains.join(', ')})`);
  return d;
}

export function generateDkim(db: Db, cfg: Config, domain: string, o: { selector?: string; algorithm?: string } = {}): DkimView {
  const d = servedDomain(cfg, domain);
  const selector = o.selector ?? 'gospochta';
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(selector)) throw new GpError('INVALID_SELECTOR', `selector: "${selector}" must be one DNS label (letters, digits, -)`);
  const algorithm = (o.algorithm ?? 'rsa').toLowerCase();
  if (algorithm !== 'rsa' && algorithm !== 'ed25519') throw new GpError('INVALID_ALGORITHM', `algorithm: "${o.algorithm}" must be rsa or ed25519`);
  const row: DkimKeyRow = { domain: d, selector: selector.toLowerCase(), ...makeKeyPair(algorithm), created_at: Date.now() };
  putDkimKey(db, row);
  return view(row);
}

export function showDkim(db: Db, cfg: Config, domain: string): DkimView {
  const d = servedDomain(cfg, domain);
  const k = getDkimKey(db, d);
  if (!k) throw new GpError('NOT_FOUND', `no DKIM key for ${d}; make one with: gospochta dkim generate ${d}`, { kind: 'not_found' });
  return view(k);
}
