/**
 * DKIM signature of an outbound message (RFC 6376, relaxed/relaxed), with the
 * sender domain's key: RSA-SHA256 or Ed25519-SHA256 (RFC 8463), both through
 * mailauth, which derives the algorithm from the key. The DKIM-Signature field
 * goes on top of the message; a key that cannot sign leaves the message unsigned
 * and the reason is logged (the receiver then judges it as unsigned mail).
 */
import { dkimSign } from 'mailauth';
import type { DkimKeyRow } from '../store/outbound.js';
import type { Logger } from '../shared/logger.js';

export async function signMessage(raw: Buffer, key: DkimKeyRow | undefined, log: Logger): Promise<Buffer> {
  if (!key) return raw;
  const r = (await dkimSign(raw, {
    canonicalization: 'relaxed/relaxed',
    signatureData: [{ signingDomain: key.domain, selector: key.selector, privateKey: key.private_key }],
  } as never)) as unknown as { signatures: string; errors: Array<{ err: Error }> };
  if (r.errors.length) {
    log.error({ domain: key.domain, selector: key.selector, error: r.errors[0]!.err.message }, 'outbound: DKIM signing failed; sending unsigned');
    return raw;
  }
  const field = Buffer.from(r.signatures.replace(/\r?\n/g, '\r\n'), 'utf8');
  return Buffer.concat([field, raw], field.length + raw.length);
}
