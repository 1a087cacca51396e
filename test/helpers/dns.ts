/**
 * A test DNS server on loopback (dns2, UDP): answers the TXT, MX and A records
 * the test gives — an empty answer (NODATA) for a known name asked for another
 * type, NXDOMAIN for the rest — so SPF, DKIM, DMARC, MX look-ups and MTA-STS
 * are exercised for real against records a test makes.
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
  close(): Promise<void>;
}

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
  const { Packet } = dns2;
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const q = request.questions[0];
      const name = (q?.name ?? '').toLowerCase();
      const value = q && q.type === Packet.TYPE.TXT ? txt.get(name) : undefined;
      const base = { name: q?.name ?? '', class: Packet.CLASS.IN, ttl: 60 };
      if (value !== undefined) {
        response.answers.push({ ...base, type: Packet.TYPE.TXT, data: strings(value) } as never);
      } else if (q && q.type === Packet.TYPE.MX && mx.has(name)) {
        for (const r of mx.get(name)!) response.answers.push({ ...base, type: Packet.TYPE.MX, exchange: r.exchange, priority: r.priority } as never);
      } else if (q && q.type === Packet.TYPE.A && a.has(name)) {
        for (const address of a.get(name)!) response.answers.push({ ...base, type: Packet.TYPE.A, address } as never);
      } else if (!(txt.has(name) || mx.has(name) || a.has(name))) {
        (response.header as { rcode: number }).rcode = 3; // NXDOMAIN
      }
      send(response);
    },
  });
  await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const port = (server.addresses() as { udp: { port: number } }).udp.port;
  return { address: `127.0.0.1:${port}`, txt, mx, a, close: () => server.close() as Promise<void> };
}
