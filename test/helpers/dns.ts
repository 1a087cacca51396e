/**
 * A test DNS server on loopback (dns2, UDP): answers TXT (and MX, A) records the
 * test gives, NXDOMAIN for the rest — so SPF, DKIM and DMARC are checked for
 * real against keys and policies a test makes.
 */
import dns2 from 'dns2';

export interface TestDns {
  /** "127.0.0.1:port", for the server's `dns.servers`. */
  address: string;
  txt: Map<string, string>;
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
  const { Packet } = dns2;
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const q = request.questions[0];
      const name = (q?.name ?? '').toLowerCase();
      const value = q && q.type === Packet.TYPE.TXT ? txt.get(name) : undefined;
      if (value !== undefined) {
        response.answers.push({ name: q!.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 60, data: strings(value) } as never);
      } else {
        (response.header as { rcode: number }).rcode = 3; // NXDOMAIN
      }
      send(response);
    },
  });
  await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const port = (server.addresses() as { udp: { port: number } }).udp.port;
  return { address: `127.0.0.1:${port}`, txt, close: () => server.close() as Promise<void> };
}
