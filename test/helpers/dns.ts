/**
 * A test DNS server on loopback (dns2, UDP): answers the TXT, MX, A and TLSA
 * records the test gives — an empty answer (NODATA) for a known name asked for
 * another type, NXDOMAIN for the rest — so SPF, DKIM, DMARC, MX look-ups, MTA-STS
 * and DANE are exercised for real against records a test makes. It also plays a
 * validating resolver: answers for names in a `secure` zone carry the AD bit
 * (RFC 4035 §3.2.3), and names in `servfail` get SERVFAIL, as a bogus answer does.
 */
import dns2 from 'dns2';

export interface TestDns {
  /** "127.0.0.1:port", for the server's `dns.servers`. */
  address: string;
  txt: Map<string, string>;
  /** MX records by domain. */
  mx: Map<string, Array<{ exchange: string; priority: number }>>;
  /** A records by name. */
  a: Map<string, string[]>;
  /** TLSA records by name (`_25._tcp.<host>`): usage, selector, matching type, data in hex. */
  tlsa: Map<string, Array<{ usage: number; selector: number; mtype: number; hex: string }>>;
  /** Zones whose answers carry AD=1 (a name is in a zone when it is the zone or ends with ".zone"). */
  secure: Set<string>;
  /** Names answered without AD inside a secure zone (below an insecure delegation). */
  insecure: Set<string>;
  /** Names answered with SERVFAIL. */
  servfail: Set<string>;
  close(): Promise<void>;
}

const TYPE_TLSA = 52;

/** A TXT value as DNS character strings of at most 255 bytes (RFC 1035 §3.3.14). */
function strings(v: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < v.length; i += 255) out.push(v.slice(i, i + 255));
  return out;
}

export async function startTestDns(records: Record<string, string> = {}): Promise<TestDns> {
  const txt = new Map(Object.entries(records).map(([k, v]) => [k.toLowerCase(), v]));
  const mx = new Map<string, Array<{ exchange: string; priority: number }>>();
  const a = new Map<string, string[]>();
  const tlsa: TestDns['tlsa'] = new Map();
  const secure = new Set<string>();
  const servfail = new Set<string>();
  const insecure = new Set<string>();
  const inSecureZone = (name: string) => !insecure.has(name) && [...secure].some((z) => name === z || name.endsWith(`.${z}`));
  const { Packet } = dns2;
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const q = request.questions[0];
      const name = (q?.name ?? '').toLowerCase();
      const value = q && q.type === Packet.TYPE.TXT ? txt.get(name) : undefined;
      const base = { name: q?.name ?? '', class: Packet.CLASS.IN, ttl: 60 };
      (response.header as unknown as { ad: number }).ad = inSecureZone(name) ? 1 : 0;
      if (servfail.has(name)) {
        (response.header as unknown as { rcode: number }).rcode = 2; // SERVFAIL
        (response.header as unknown as { ad: number }).ad = 0;
      } else if (q && q.type === TYPE_TLSA && tlsa.has(name)) {
        // dns2 has no TLSA encoder: the record data goes as raw RDATA (RFC 6698 §2.1).
        for (const r of tlsa.get(name)!) response.answers.push({ ...base, type: TYPE_TLSA, data: Buffer.concat([Buffer.from([r.usage, r.selector, r.mtype]), Buffer.from(r.hex, 'hex')]) } as never);
      } else if (value !== undefined) {
        response.answers.push({ ...base, type: Packet.TYPE.TXT, data: strings(value) } as never);
      } else if (q && q.type === Packet.TYPE.MX && mx.has(name)) {
        for (const r of mx.get(name)!) response.answers.push({ ...base, type: Packet.TYPE.MX, exchange: r.exchange, priority: r.priority } as never);
      } else if (q && q.type === Packet.TYPE.A && a.has(name)) {
        for (const address of a.get(name)!) response.answers.push({ ...base, type: Packet.TYPE.A, address } as never);
      } else if (!(txt.has(name) || mx.has(name) || a.has(name) || tlsa.has(name))) {
        (response.header as { rcode: number }).rcode = 3; // NXDOMAIN
      }
      send(response);
    },
  });
  await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const port = (server.addresses() as { udp: { port: number } }).udp.port;
  return { address: `127.0.0.1:${port}`, txt, mx, a, tlsa, secure, insecure, servfail, close: () => server.close() as Promise<void> };
}
