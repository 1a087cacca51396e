/**
 * Checking a server's certificate chain against usable TLSA records
 * (RFC 6698 §2.1, RFC 7671, RFC 7672 §3.1):
 *   - DANE-EE (3): the leaf's full certificate (selector 0) or its
 *     SubjectPublicKeyInfo (1), exact or as SHA-256/SHA-512, equals the record;
 *     neither names nor validity dates are checked (RFC 7672 §3.1.1, §3.2.1).
 *   - DANE-TA (2): a certificate the server sent above its leaf matches, the leaf
 *     chains up to it by signature, the leaf is within its validity dates, and
 *     the leaf names the MX host or the next-hop domain (RFC 7672 §3.1.2, §3.2.2;
 *     RFC 7671 §5.2.2: the trust anchor must be in the chain the server sends).
 * Pure, over node's X509Certificate.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import type { TlsaRecord } from './dns-wire.js';
import { describeRecord } from './dane.js';

export type DaneResult = { ok: true; matched: string } | { ok: false; reason: string };

/** The chain as the server sent it, leaf first, from node's detailed peer certificate. */
export function peerChain(peer: PeerCertificate | null | undefined): X509Certificate[] {
  const out: X509Certificate[] = [];
  const seen = new Set<string>();
  let c = peer as (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined;
  while (c?.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(new X509Certificate(c.raw));
    c = c.issuerCertificate as typeof c;
  }
  return out;
}

function associated(cert: X509Certificate, r: TlsaRecord): Buffer {
  const data = r.selector === 1 ? cert.publicKey.export({ type: 'spki', format: 'der' }) : cert.raw;
  if (r.mtype === 1) return createHash('sha256').update(data).digest();
  if (r.mtype === 2) return createHash('sha512').update(data).digest();
  return data;
}

const matches = (cert: X509Certificate, r: TlsaRecord) => associated(cert, r).equals(r.data);

/** Each certificate up to `top` issued and signed by the next one. */
function chainsTo(chain: X509Certificate[], top: number): boolean {
  for (let j = 0; j < top; j++) {
    if (!chain[j]!.checkIssued(chain[j + 1]!) || !chain[j]!.verify(chain[j + 1]!.publicKey)) return false;
  }
  return true;
}

function withinDates(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
}

function taResult(chain: X509Certificate[], r: TlsaRecord, names: readonly string[], now: number): DaneResult | null {
  const leaf = chain[0]!;
  for (let i = 1; i < chain.length; i++) {
    if (!matches(chain[i]!, r)) continue;
    if (!chainsTo(chain, i)) return { ok: false, reason: `DANE-TA ${describeRecord(r)} matched a certificate the server certificate does not chain up to` };
    if (!withinDates(leaf, now)) return { ok: false, reason: `the server certificate is outside its validity dates (${leaf.validFrom} – ${leaf.validTo})` };
    const name = names.find((n) => leaf.checkHost(n) !== undefined);
    if (!name) return { ok: false, reason: `DANE-TA ${describeRecord(r)} matched, but the server certificate names none of ${names.join(', ')}` };
    return { ok: true, matched: `DANE-TA ${describeRecord(r)}, name ${name}` };
  }
  return null;
}

export function verifyDane(o: { chain: X509Certificate[]; records: readonly TlsaRecord[]; names: readonly string[]; now?: number }): DaneResult {
  const { chain, records } = o;
  if (!chain.length) return { ok: false, reason: 'the server sent no certificate' };
  let refusal: DaneResult | null = null;
  for (const r of records) {
    if (r.usage === 3 && matches(chain[0]!, r)) return { ok: true, matched: `DANE-EE ${describeRecord(r)}` };
    if (r.usage === 2) {
      const ta = taResult(chain, r, o.names, o.now ?? Date.now());
      if (ta?.ok) return ta;
      refusal ??= ta;
    }
  }
  return refusal ?? { ok: false, reason: `the certificate matches none of the TLSA records (${records.map(describeRecord).join(', ')})` };
}
