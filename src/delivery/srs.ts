/**
 * The Sender Rewriting Scheme (SRS, as libsrs2 and postsrsd write it): a message
 * forwarded to another domain goes out with an envelope sender of this server's
 * domain, so the receiver's SPF check (RFC 7208) is against this server, and a
 * bounce can be traced to the original sender:
 *
 *   SRS0=HHHH=TT=orig-domain=orig-local@forwarding-domain
 *
 * HHHH is the first 4 characters of base64(HMAC-SHA1(secret, TT + orig-domain +
 * orig-local)) over the lower-cased text, TT the day number mod 1024 in base32.
 * An address already SRS0 is wrapped once more as SRS1 (the first forwarder's
 * domain and the rest kept). The null sender stays null (a bounce is never
 * rewritten), and a sender of a served domain needs no rewriting.
 */
import { createHmac } from 'node:crypto';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function timestamp(now: number): string {
  const day = Math.floor(now / 86_400_000) % 1024;
  return B32[day >> 5]! + B32[day & 31]!;
}

function hash(secret: Buffer, parts: string[]): string {
  return createHmac('sha1', secret).update(parts.join('').toLowerCase()).digest('base64').slice(0, 4);
}

export function srsForward(o: { secret: Buffer; sender: string; domain: string; served: ReadonlySet<string>; now: number }): string {
  const at = o.sender.lastIndexOf('@');
  if (!o.sender || at < 0) return o.sender;
  const local = o.sender.slice(0, at);
  const senderDomain = o.sender.slice(at + 1).toLowerCase();
  if (o.served.has(senderDomain)) return o.sender;
  const m = /^SRS0[=+-]([^=]+)=([^=]+)=([^=]+)=(.*)$/i.exec(local);
  if (m) {
    // SRS1=HHHH=first-forwarder-domain==HHHH=TT=orig-domain=orig-local
    const rest = `${m[1]}=${m[2]}=${m[3]}=${m[4]}`;
    return `SRS1=${hash(o.secret, [senderDomain, rest])}=${senderDomain}==${rest}@${o.domain}`;
  }
  const tt = timestamp(o.now);
  return `SRS0=${hash(o.secret, [tt, senderDomain, local])}=${tt}=${senderDomain}=${local}@${o.domain}`;
}

/** The original sender of an SRS0 address made here (hash checked, at most maxDays old), or null. */
export function srsReverse(o: { secret: Buffer; address: string; now: number; maxDays: number }): string | null {
  const at = o.address.lastIndexOf('@');
  const m = /^SRS0[=+-]([^=]{4})=([A-Z2-7]{2})=([^=]+)=(.+)$/i.exec(at < 0 ? '' : o.address.slice(0, at));
  if (!m) return null;
  const [, h, tt, domain, local] = m as unknown as [string, string, string, string, string];
  // Compared without case, as libsrs2 does: servers on the way may lower-case the address.
  if (hash(o.secret, [tt, domain, local]).toLowerCase() !== h.toLowerCase()) return null;
  const then = (B32.indexOf(tt[0]!.toUpperCase()) << 5) | B32.indexOf(tt[1]!.toUpperCase());
  const today = Math.floor(o.now / 86_400_000) % 1024;
  if ((today - then + 1024) % 1024 > o.maxDays) return null;
  return `${local}@${domain}`;
}
