/**
 * The DNSSEC-aware stub's pieces without a network: the query (RFC 6840 §5.7 AD
 * bit, RFC 6891 OPT with DO) read back by another DNS implementation (dns2), an
 * answer made by dns2 read by ours (AD, RCODE, TLSA records, a compressed name),
 * which TLSA records are usable (RFC 7672 §3.1.3), and which resolver DANE trusts.
 */
import { describe, it, expect } from 'vitest';
import dns2 from 'dns2';
import { decodeAnswer, encodeQuery, tlsaRecords, TYPE } from '../../src/mta/dns-wire.js';
import { usableRecords } from '../../src/mta/dane.js';
import { chooseResolver } from '../../src/mta/dnssec-resolver.js';
import { loopbackConfig } from '../helpers/loopback-config.js';

const { Packet } = dns2;

describe('DNS wire format', () => {
  it('a query asks for TLSA with RD, AD and an OPT record with DO', () => {
    const q = encodeQuery({ id: 0x1234, name: '_25._tcp.mx.example.test', type: TYPE.TLSA });
    const p = Packet.parse(q) as unknown as { header: { id: number; rd: number; ad: number; qr: number }; questions: Array<{ name: string; type: number }>; additionals: Array<{ type: number; class: number; ttl: number }> };
    expect(p.header).toMatchObject({ id: 0x1234, rd: 1, ad: 1, qr: 0 });
    expect(p.questions[0]).toMatchObject({ name: '_25._tcp.mx.example.test', type: 52 });
    // Some dns2 versions decode OPT into its own shape; the DO bit is the top bit of the TTL field.
    expect(q.subarray(q.length - 11)).toEqual(Buffer.from([0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0]));
    expect(() => encodeQuery({ id: 1, name: 'a..b', type: TYPE.MX })).toThrow(/not a DNS name/);
  });

  it('reads AD, RCODE and TLSA records of an answer', () => {
    const res = new Packet();
    Object.assign(res.header, { id: 7, qr: 1, ad: 1, rcode: 0 });
    res.questions.push({ name: '_25._tcp.mx.example.test', type: 52, class: 1 } as never);
    const data = Buffer.concat([Buffer.from([3, 1, 1]), Buffer.alloc(32, 0xab)]);
    res.answers.push({ name: '_25._tcp.mx.example.test', type: 52, class: 1, ttl: 60, data } as never);
    res.answers.push({ name: '_25._tcp.mx.example.test', type: 52, class: 1, ttl: 60, data: Buffer.from([1, 1, 1, 0xcd]) } as never);
    const a = decodeAnswer(res.toBuffer());
    expect(a).toMatchObject({ id: 7, rcode: 0, authenticated: true, truncated: false });
    const records = tlsaRecords(a);
    expect(records.map((r) => [r.usage, r.selector, r.mtype, r.data.length])).toEqual([
      [3, 1, 1, 32],
      [1, 1, 1, 1],
    ]);
    // PKIX-EE is unusable for SMTP; so is a SHA-256 "digest" of the wrong length.
    expect(usableRecords(records).map((r) => r.usage)).toEqual([3]);
    expect(usableRecords([{ usage: 3, selector: 1, mtype: 1, data: Buffer.alloc(31) }])).toEqual([]);
    expect(usableRecords([{ usage: 2, selector: 0, mtype: 2, data: Buffer.alloc(64) }]).length).toBe(1);
    expect(() => decodeAnswer(res.toBuffer().subarray(0, 40))).toThrow(/cut short/);
  });
});

describe('the validating resolver DANE trusts', () => {
  const cfg = (outbound: Record<string, unknown>) => loopbackConfig('/tmp/gp-dane-choice', { outbound });
  it('the configured one, else a loopback first nameserver, else none with the reason', () => {
    expect(chooseResolver(cfg({ dnssecResolver: '127.0.0.1:5353' }), '')).toMatchObject({ resolver: { host: '127.0.0.1', port: 5353 } });
    expect(chooseResolver(cfg({ dnssecResolver: '[::1]:53' }), '')).toMatchObject({ resolver: { host: '::1', port: 53 } });
    expect(chooseResolver(cfg({}), '# local\nnameserver 127.0.0.53\nnameserver 10.0.0.1\n')).toMatchObject({ resolver: { host: '127.0.0.53', port: 53 } });
    expect(chooseResolver(cfg({}), 'nameserver 10.0.0.1\nnameserver 127.0.0.1\n')).toEqual({ off: expect.stringMatching(/first nameserver of \/etc\/resolv\.conf \(10\.0\.0\.1\) is not on loopback/) });
    expect(chooseResolver(cfg({ dane: false, dnssecResolver: '127.0.0.1' }), '')).toEqual({ off: 'outbound.dane is off' });
    expect(() => cfg({ dnssecResolver: 'host:port:x' })).toThrow(/must be host, host:port/);
  });
});
