/**
 * The TLS posture of every listener (SMTP 465/587, MX 25, IMAP 993):
 *  - TLS 1.2 or 1.3 only (`tls.minVersion`, never lower: RFC 8996 deprecates 1.0 and 1.1);
 *  - for TLS 1.2, only ECDHE key exchange with AEAD ciphers (AES-GCM, ChaCha20-Poly1305),
 *    as RFC 9325 §4.2 recommends: no RC4, no 3DES, no CBC suites, no static RSA;
 *    TLS 1.3 suites are all AEAD (Node's defaults), listed first;
 *  - the server's order of preference, not the client's (RFC 9325 §4.2);
 *  - session ticket keys replaced every `tls.ticketRotationMinutes`, so a stolen
 *    ticket key opens only the sessions of one period (RFC 8446 §8 / RFC 5077 §5.5).
 */
import { randomBytes } from 'node:crypto';

export const TLS_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');

export interface TlsPosture {
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  ciphers: string;
  honorCipherOrder: true;
}

export function tlsPosture(cfg: { tls: { minVersion: 'TLSv1.2' | 'TLSv1.3' } }): TlsPosture {
  return { minVersion: cfg.tls.minVersion, ciphers: TLS_CIPHERS, honorCipherOrder: true };
}

/** Fresh session ticket keys (48 bytes: name, AES key, HMAC key) for `apply` every `everyMs`; returns the stop function. */
export function startTicketRotation(o: { everyMs: number; apply: (ticketKeys: Buffer) => void }): () => void {
  const timer = setInterval(() => o.apply(randomBytes(48)), o.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The certificate a listener serves and, when rotating, its new ticket keys. */
export interface ListenerKeys {
  key: Buffer | string;
  cert: Buffer | string;
  ticketKeys?: Buffer;
}

/** The secure-context options of a listener after a certificate reload (SIGHUP) or a ticket-key rotation. */
export function reloadedContext(cfg: { tls: { minVersion: 'TLSv1.2' | 'TLSv1.3' } }, k: ListenerKeys) {
  return { key: k.key, cert: k.cert, ...tlsPosture(cfg), ...(k.ticketKeys ? { ticketKeys: k.ticketKeys } : {}) };
}
