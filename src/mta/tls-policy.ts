/**
 * The TLS rule one delivery attempt is held to, chosen by remote.ts, in order of
 * precedence (RFC 8461 §2: where DANE applies it wins over MTA-STS):
 *   dane           secure, usable TLSA records (RFC 7672 §2.2): STARTTLS, and the
 *                  certificate must match them (dane-verify.ts);
 *   tls-required   a secure TLSA RRset with no usable record (RFC 7672 §2.2):
 *                  STARTTLS, the certificate not authenticated;
 *   mta-sts        an MTA-STS enforce policy (RFC 8461 §4.2): STARTTLS, a
 *                  certificate valid (PKIX) for the MX name;
 *   opportunistic  STARTTLS when offered, the certificate not checked (RFC 3207 §4,
 *                  RFC 7435); a route (`outbound.routes`) is always this.
 * `checkSession` runs after the handshake and before EHLO is said again, so an
 * unverified server is never given the envelope or the message.
 */
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import type { TlsaRecord } from './dns-wire.js';
import { peerChain, verifyDane } from './dane-verify.js';
import { describeRecord } from './dane.js';

export type TlsPolicy =
  | { kind: 'dane'; records: TlsaRecord[]; names: string[] }
  | { kind: 'tls-required'; why: string }
  | { kind: 'mta-sts'; servername: string }
  | { kind: 'opportunistic'; why: string };

export const requiresTls = (p: TlsPolicy) => p.kind !== 'opportunistic';

/** The policy in a few words, for the log, the queue and `gospochta queue show`. */
export function policyName(p: TlsPolicy): string {
  switch (p.kind) {
    case 'dane':
      return `DANE (TLSA ${p.records.map(describeRecord).join(', ')})`;
    case 'tls-required':
      return `DANE, TLS required without authentication (${p.why})`;
    case 'mta-sts':
      return `MTA-STS enforce (certificate verified for ${p.servername})`;
    case 'opportunistic':
      return `opportunistic TLS (${p.why})`;
  }
}

export function tlsOptions(p: TlsPolicy, host: string): ConnectionOptions {
  const sni = /^[\d.:]+$/.test(host) ? undefined : host;
  if (p.kind === 'mta-sts') return { servername: p.servername, rejectUnauthorized: true, minVersion: 'TLSv1.2' };
  // RFC 7672 §8.1: SNI with the MX host name under DANE. The chain is judged by checkSession, not by the CA store.
  return { servername: sni, rejectUnauthorized: false, minVersion: 'TLSv1.2' };
}

export type SessionCheck = { ok: true; text: string } | { ok: false; reason: string };

export function checkSession(p: TlsPolicy, tls: TLSSocket): SessionCheck {
  const version = tls.getProtocol() ?? 'TLS';
  if (p.kind !== 'dane') {
    const verified = p.kind === 'mta-sts' ? 'verified' : 'not verified';
    return { ok: true, text: `${policyName(p)}: ${version}, certificate ${verified}` };
  }
  const r = verifyDane({ chain: peerChain(tls.getPeerCertificate(true)), records: p.records, names: p.names });
  return r.ok ? { ok: true, text: `DANE: ${version}, certificate matched ${r.matched}` } : { ok: false, reason: `DANE: ${r.reason}` };
}
