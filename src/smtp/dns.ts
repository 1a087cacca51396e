/**
 * The DNS look-ups of message authentication (SPF, DKIM, DMARC, ARC): node's
 * resolver, pointed at `dns.servers` when the config names them (a local
 * validating resolver in production; a test DNS server in tests).
 */
import { Resolver } from 'node:dns/promises';

export type DnsResolve = (name: string, rrtype: string) => Promise<unknown>;

export function dnsResolver(servers: readonly string[]): DnsResolve {
  const r = new Resolver({ timeout: 5000, tries: 2 });
  if (servers.length) r.setServers([...servers]);
  return (name, rrtype) => r.resolve(name, rrtype as 'TXT');
}
