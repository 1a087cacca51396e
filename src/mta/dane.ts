/**
 * DANE for SMTP (RFC 7672) — what the DNS says about one delivery:
 *   - the recipient domain's MX RRset must itself be secure (§2.2.1: names taken
 *     from an insecure MX RRset could be forged, so their TLSA records prove
 *     nothing); a secure "no MX" answer leaves the domain as its own host (§2.2.2);
 *   - `_25._tcp.<mx host>` TLSA (§2.2.3, RFC 6698 §3): a secure RRset with usable
 *     records makes STARTTLS and a matching certificate mandatory; a secure RRset
 *     whose records are all unusable (PKIX-TA/PKIX-EE, §3.1.3; unknown selector or
 *     matching type; a digest of the wrong length) makes TLS mandatory without
 *     authentication (§2.2); an insecure answer or none leaves opportunistic TLS;
 *   - a look-up that fails (SERVFAIL: the answer is bogus, or the resolver cannot
 *     be asked) is not "no records": delivery is deferred (§2.1.1).
 */
import { RCODE, TYPE, tlsaRecords, type TlsaRecord } from './dns-wire.js';
import { queryDnssec, type DnssecResolver } from './dnssec-resolver.js';

export type TlsaLookup =
  | { status: 'none' | 'insecure'; records: [] }
  | { status: 'secure'; records: TlsaRecord[]; usable: TlsaRecord[] };

/** A DNSSEC look-up that failed; delivery to that host waits. */
export class DnssecFailure extends Error {
  readonly code = 'ESERVFAIL';
}

const DIGEST_BYTES: Record<number, number> = { 1: 32, 2: 64 };

/** RFC 7672 §3.1.3: only DANE-TA(2) and DANE-EE(3), with a known selector and matching type. */
export function usableRecords(records: readonly TlsaRecord[]): TlsaRecord[] {
  return records.filter(
    (r) => (r.usage === 2 || r.usage === 3) && (r.selector === 0 || r.selector === 1) && (r.mtype === 0 ? r.data.length > 0 : DIGEST_BYTES[r.mtype] === r.data.length),
  );
}

async function ask(resolver: DnssecResolver, name: string, type: number) {
  let a;
  try {
    a = await queryDnssec(resolver, name, type);
  } catch (e) {
    throw new DnssecFailure(`the validating resolver ${resolver.host}:${resolver.port} could not be asked for ${name}: ${(e as Error).message}`);
  }
  if (a.rcode !== RCODE.NOERROR && a.rcode !== RCODE.NXDOMAIN) {
    throw new DnssecFailure(`the ${type === TYPE.TLSA ? 'TLSA' : 'MX'} look-up of ${name} failed (${a.rcode === RCODE.SERVFAIL ? 'SERVFAIL: bogus DNSSEC or unreachable servers' : `rcode ${a.rcode}`})`);
  }
  return a;
}

/** Whether the domain's MX answer (records, or their secure absence) is validated. */
export async function mxIsSecure(resolver: DnssecResolver, domain: string): Promise<boolean> {
  return (await ask(resolver, domain, TYPE.MX)).authenticated;
}

export async function lookupTlsa(resolver: DnssecResolver, host: string, port: number): Promise<TlsaLookup> {
  const a = await ask(resolver, `_${port}._tcp.${host}`, TYPE.TLSA);
  const records = a.rcode === RCODE.NOERROR ? tlsaRecords(a) : [];
  if (!records.length) return { status: 'none', records: [] };
  if (!a.authenticated) return { status: 'insecure', records: [] };
  return { status: 'secure', records, usable: usableRecords(records) };
}

export const describeRecord = (r: TlsaRecord) => `${r.usage} ${r.selector} ${r.mtype}`;
