/**
 * The remote end of one delivery: a fixed route (`outbound.routes`, a smarthost)
 * or the recipient domain's MX hosts, and the TLS it must have.
 *
 *   - MX look-up (RFC 5321 §5.1) through mx-connect with the resolver of
 *     `dns.servers`: MX hosts by preference, then A/AAAA, or the domain's own
 *     address when it has no MX; the connection is made here and handed to the
 *     SMTP client, which then says EHLO and upgrades with STARTTLS.
 *   - MTA-STS (RFC 8461, `outbound.mtaSts`): the `_mta-sts` TXT record and the
 *     policy from `https://mta-sts.<domain>/.well-known/mta-sts.txt` (§3.3, fetched
 *     by mx-connect with a verified certificate), kept in memory until its max_age
 *     (§5.1). Under `mode: enforce` an MX host the policy does not name is not
 *     connected to (§4.1), and the session must upgrade with STARTTLS to a
 *     certificate valid for the MX name (§4.2); anything else fails the attempt,
 *     which is deferred and tried again — never sent in clear (§5). Under
 *     `testing` a mismatch is logged and delivery goes on.
 *   - DANE (RFC 7672, `outbound.dane`): with a validating resolver (dnssec-resolver.ts)
 *     and a secure MX answer, mx-connect is given our TLSA look-up (dane.ts) as its
 *     `resolveTlsa` hook: a host whose look-up fails is not connected to (mx-connect
 *     moves to the next MX host, and defers when none is left); the secure records
 *     of the host connected to decide the attempt's policy (tls-policy.ts), which
 *     then wins over MTA-STS (RFC 8461 §2). mx-connect's own certificate check is
 *     not used: it cannot see the chain a DANE-TA record needs, and it treats
 *     PKIX-EE records as usable (RFC 7672 §3.1.3 says they are not).
 *   - Without a policy: opportunistic STARTTLS (RFC 3207 §4; RFC 7435), the
 *     certificate not checked, as MX certificates are rarely verifiable.
 */
import { Resolver } from 'node:dns';
import type { Socket } from 'node:net';
import mxConnect from 'mx-connect';
import type { Config } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import { lookupTlsa, mxIsSecure, type TlsaLookup } from './dane.js';
import type { DnssecResolver } from './dnssec-resolver.js';
import type { TlsPolicy } from './tls-policy.js';

export interface RemoteTarget {
  /** Where the attempt went, for the log, the queue and delivery reports. */
  remote: string;
  host: string;
  port: number;
  /** Already connected (MX look-up), or null for the SMTP client to connect (route). */
  socket: Socket | null;
  policy: TlsPolicy;
}

export class RemoteUnreachable extends Error {
  constructor(
    message: string,
    readonly remote: string | null,
  ) {
    super(message);
  }
}

type CallbackResolve = (name: string, type: string, cb: (err: Error | null, data?: unknown) => void) => void;

interface StsPolicy {
  id?: string | false;
  mode?: string;
  mx?: string[];
  maxAge?: number;
  expires?: string;
}

/** MTA-STS policies per domain, kept until they expire (RFC 8461 §5.1), shared by the runner's attempts. */
export class StsCache {
  private readonly policies = new Map<string, StsPolicy>();
  async get(domain: string): Promise<StsPolicy | false> {
    const p = this.policies.get(domain);
    if (!p) return false;
    if (p.expires && new Date(p.expires).getTime() < Date.now()) {
      this.policies.delete(domain);
      return false;
    }
    // Handed over without its expiry: mailauth then keeps a policy whose TXT id is
    // unchanged without fetching it again (RFC 8461 §3.3: a new id means a new policy).
    return { ...p, expires: undefined };
  }
  async set(domain: string, policy: StsPolicy): Promise<void> {
    if (policy.mode && policy.mode !== 'none') this.policies.set(domain, policy);
    else this.policies.delete(domain);
  }
}

export function routeOf(cfg: Config, domain: string): { host: string; port: number } | null {
  const r = cfg.outbound.routes[domain] ?? cfg.outbound.routes['*'];
  if (!r) return null;
  const i = r.lastIndexOf(':');
  return { host: r.slice(0, i), port: Number(r.slice(i + 1)) };
}

function callbackResolver(servers: readonly string[]): CallbackResolve {
  const r = new Resolver({ timeout: 5000, tries: 2 });
  if (servers.length) r.setServers([...servers]);
  return (name, type, cb) => r.resolve(name, type, cb as never);
}

export interface RemoteOptions {
  cfg: Config;
  domain: string;
  sts: StsCache;
  log: Logger;
  /** The validating resolver DANE trusts, or null: DANE not applied. */
  dnssec: DnssecResolver | null;
}

/** mx-connect's TLSA hook over our look-up, keeping each host's answer for the policy. */
function tlsaHook(resolver: DnssecResolver, port: number, seen: Map<string, TlsaLookup>) {
  return async (name: string) => {
    const host = name.replace(/^_\d+\._tcp\./, '').toLowerCase();
    const r = await lookupTlsa(resolver, host, port);
    seen.set(host, r);
    return r.records;
  };
}

function policyOf(o: { domain: string; host: string; tlsa: TlsaLookup | undefined; daneWhy: string; stsEnforce: boolean }): TlsPolicy {
  const t = o.tlsa;
  if (t?.status === 'secure' && t.usable.length) return { kind: 'dane', records: t.usable, names: [...new Set([o.host, o.domain])] };
  if (t?.status === 'secure') return { kind: 'tls-required', why: 'no usable TLSA record' };
  if (o.stsEnforce) return { kind: 'mta-sts', servername: o.host };
  return { kind: 'opportunistic', why: t ? (t.status === 'insecure' ? 'TLSA not DNSSEC-validated' : 'no TLSA') : o.daneWhy };
}

/** Whether DANE applies to the domain (RFC 7672 §2.2.1: a secure MX answer), or why not. */
async function daneFor(o: RemoteOptions): Promise<{ on: boolean; why: string }> {
  if (!o.dnssec) return { on: false, why: 'DANE off' };
  try {
    return (await mxIsSecure(o.dnssec, o.domain)) ? { on: true, why: 'no TLSA' } : { on: false, why: 'MX not DNSSEC-validated' };
  } catch (e) {
    throw new RemoteUnreachable(`DANE: ${(e as Error).message}; delivery waits`, null);
  }
}

export async function connectRemote(o: RemoteOptions): Promise<RemoteTarget> {
  const { cfg, domain } = o;
  const route = routeOf(cfg, domain);
  if (route) return { remote: `${route.host}:${route.port}`, host: route.host, port: route.port, socket: null, policy: { kind: 'opportunistic', why: 'fixed route' } };
  const resolve = callbackResolver(cfg.dns.servers);
  const dane = await daneFor(o);
  const seen = new Map<string, TlsaLookup>();
  try {
    const c = await mxConnect({
      target: domain,
      port: cfg.outbound.mxPort,
      localHostname: cfg.hostname,
      maxConnectTime: Math.min(cfg.outbound.timeoutMs, 30_000),
      dnsOptions: { resolve, ignoreIPv6: false, preferIPv6: false, blockLocalAddresses: false },
      mtaSts: {
        enabled: cfg.outbound.mtaSts,
        cache: o.sts,
        logger: (e: { success?: boolean; msg?: string; hostname?: string; mode?: string }) => {
          if (e.success === false) o.log.warn({ domain, mx: e.hostname, mode: e.mode }, `outbound: ${e.msg ?? 'MTA-STS policy check failed'}`);
        },
      },
      // RFC 7672 §2.2.3: TLSA at _25._tcp.<mx host>, the port being the one connected to.
      dane: dane.on ? { enabled: true, verify: true, resolveTlsa: tlsaHook(o.dnssec!, cfg.outbound.mxPort, seen) } : { enabled: false },
    });
    const host = (c.hostname || c.host).toLowerCase();
    const stsEnforce = c.policyMatch?.valid === true && c.policyMatch.mode === 'enforce';
    const policy = policyOf({ domain, host, tlsa: dane.on ? seen.get(host) : undefined, daneWhy: dane.why, stsEnforce });
    return { remote: c.hostname || c.host, host: c.host, port: c.port, socket: c.socket, policy };
  } catch (e) {
    const err = e as Error & { response?: string; category?: string };
    throw new RemoteUnreachable(err.response ?? err.message, null);
  }
}
