/**
 * Client networks: the /24 (IPv4) or /64 (IPv6) an address belongs to, as a
 * comparable string. Used where one machine's neighbours count as one client:
 * login lockouts (identity/auth.ts) and new-device notices (policy/new-device.ts).
 */
import { isIPv4, isIPv6 } from 'node:net';

export function networkOf(address: string): string {
  const a = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
  if (isIPv4(a)) return a.split('.').slice(0, 3).join('.') + '.0/24';
  if (isIPv6(a)) {
    const [head = '', tail = ''] = a.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const full = a.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return full.slice(0, 4).map((x) => parseInt(x || '0', 16).toString(16)).join(':') + '::/64';
  }
  return a;
}
