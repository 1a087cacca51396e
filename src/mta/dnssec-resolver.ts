/**
 * The validating resolver DANE trusts (RFC 7672 §2.1; as Postfix's
 * `smtp_dns_support_level = dnssec`): this process does no DNSSEC validation of
 * its own, it asks a resolver the operator trusts and believes its AD bit
 * (RFC 6840 §5.7 — only over a path that cannot be tampered with, which is why
 * a resolver taken from /etc/resolv.conf must be on loopback, RFC 4035 §4.9.3).
 *
 *   - `outbound.dnssecResolver` ("host:port" or "host"), else the first
 *     `nameserver` of /etc/resolv.conf when it is a loopback address, else none:
 *     DANE is then not applied and the start-up log says why.
 *   - Queries go over UDP (two tries), and again over TCP when the answer is
 *     truncated (RFC 7766 §5).
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { isIP } from 'node:net';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { decodeAnswer, encodeQuery, type DnsAnswer } from './dns-wire.js';

export interface DnssecResolver {
  host: string;
  port: number;
  timeoutMs: number;
}

export type ResolverChoice = { resolver: DnssecResolver } | { off: string };

function parseHostPort(s: string): { host: string; port: number } {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracket) return { host: bracket[1]!, port: Number(bracket[2] ?? 53) };
  if (isIP(s) === 6) return { host: s, port: 53 };
  const i = s.lastIndexOf(':');
  return i > 0 ? { host: s.slice(0, i), port: Number(s.slice(i + 1)) } : { host: s, port: 53 };
}

function isLoopback(host: string): boolean {
  return host === '::1' || /^127\./.test(host);
}

/** Which resolver DANE asks, or why DANE is off. `resolvConf` is the text of /etc/resolv.conf. */
export function chooseResolver(cfg: Config, resolvConf?: string): ResolverChoice {
  const o = cfg.outbound;
  if (!o.dane) return { off: 'outbound.dane is off' };
  const timeoutMs = Math.min(o.timeoutMs, 5000);
  if (o.dnssecResolver) return { resolver: { ...parseHostPort(o.dnssecResolver), timeoutMs } };
  let text = resolvConf;
  if (text === undefined) {
    try {
      text = readFileSync('/etc/resolv.conf', 'utf8');
    } catch {
      text = '';
    }
  }
  const first = /^\s*nameserver\s+(\S+)/m.exec(text)?.[1];
  if (!first) return { off: 'no outbound.dnssecResolver is set and /etc/resolv.conf names no nameserver' };
  const host = first.replace(/%.*$/, '');
  if (!isLoopback(host)) {
    return { off: `the first nameserver of /etc/resolv.conf (${first}) is not on loopback, so its AD bit cannot be trusted; set outbound.dnssecResolver to a validating resolver` };
  }
  return { resolver: { host, port: 53, timeoutMs } };
}

function overUdp(r: DnssecResolver, query: Buffer, id: number): Promise<DnsAnswer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIP(r.host) === 6 ? 'udp6' : 'udp4');
    const timer = setTimeout(() => done(new Error(`no answer from ${r.host}:${r.port} within ${r.timeoutMs} ms`)), r.timeoutMs);
    const done = (err: Error | null, a?: DnsAnswer) => {
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(a!);
    };
    sock.on('error', (e) => done(e));
    sock.on('message', (msg) => {
      try {
        const a = decodeAnswer(msg);
        if (a.id === id) done(null, a); // an answer to another id is not ours (RFC 5452 §9.1)
      } catch (e) {
        done(e as Error);
      }
    });
    sock.send(query, r.port, r.host, (e) => e && done(e));
  });
}

function overTcp(r: DnssecResolver, query: Buffer): Promise<DnsAnswer> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: r.host, port: r.port });
    const chunks: Buffer[] = [];
    sock.setTimeout(r.timeoutMs, () => sock.destroy(new Error(`no answer from ${r.host}:${r.port} over TCP within ${r.timeoutMs} ms`)));
    sock.on('error', reject);
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (c: Buffer) => {
      chunks.push(c);
      const all = Buffer.concat(chunks);
      if (all.length >= 2 && all.length >= 2 + all.readUInt16BE(0)) {
        sock.destroy();
        try {
          resolve(decodeAnswer(all.subarray(2, 2 + all.readUInt16BE(0))));
        } catch (e) {
          reject(e as Error);
        }
      }
    });
    sock.on('close', () => reject(new Error(`${r.host}:${r.port} closed the TCP connection without an answer`)));
  });
}

/** One question to the validating resolver; throws when it cannot be asked. */
export async function queryDnssec(r: DnssecResolver, name: string, type: number): Promise<DnsAnswer> {
  const id = randomInt(0, 0x10000);
  const query = encodeQuery({ id, name, type });
  let a: DnsAnswer;
  try {
    a = await overUdp(r, query, id);
  } catch {
    a = await overUdp(r, query, id);
  }
  return a.truncated ? overTcp(r, query) : a;
}
