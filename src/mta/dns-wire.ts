/**
 * DNS messages on the wire (RFC 1035 §4), just what a DNSSEC-aware stub needs:
 * one question with the AD bit set (RFC 6840 §5.7: a stub that sets AD in the
 * query is told in the answer's AD bit whether the resolver validated it) and an
 * EDNS0 OPT record with the DO bit (RFC 6891 §6.1, RFC 3225 §3), and the answer's
 * header (id, TC, AD, RCODE) and its TLSA records (RFC 6698 §2.1). Pure: no I/O.
 */

export const TYPE = { A: 1, MX: 15, TXT: 16, AAAA: 28, TLSA: 52, OPT: 41 } as const;
export const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const;

const FLAG_QR = 0x8000;
const FLAG_TC = 0x0200;
const FLAG_RD = 0x0100;
const FLAG_AD = 0x0020;

export interface TlsaRecord {
  /** 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE (RFC 6698 §2.1.1, RFC 7218). */
  usage: number;
  /** 0 full certificate, 1 SubjectPublicKeyInfo (§2.1.2). */
  selector: number;
  /** 0 exact, 1 SHA-256, 2 SHA-512 (§2.1.3). */
  mtype: number;
  data: Buffer;
}

export interface DnsAnswer {
  id: number;
  rcode: number;
  /** TC: the answer did not fit in the datagram (RFC 1035 §4.1.1); ask again over TCP. */
  truncated: boolean;
  /** AD: every record of the answer was validated by the resolver (RFC 4035 §3.2.3). */
  authenticated: boolean;
  /** Records of the answer section by type. */
  answers: Array<{ type: number; data: Buffer }>;
}

function encodeName(name: string): Buffer {
  const parts: Buffer[] = [];
  for (const label of name.replace(/\.$/, '').split('.')) {
    const b = Buffer.from(label, 'ascii');
    if (b.length === 0 || b.length > 63) throw new Error(`not a DNS name: ${name}`);
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** A query for `name`/`type` with RD and AD set and an OPT record asking for DNSSEC (DO). */
export function encodeQuery(o: { id: number; name: string; type: number }): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(o.id, 0);
  header.writeUInt16BE(FLAG_RD | FLAG_AD, 2);
  header.writeUInt16BE(1, 4); // QDCOUNT
  header.writeUInt16BE(1, 10); // ARCOUNT: the OPT record
  const question = Buffer.alloc(4);
  question.writeUInt16BE(o.type, 0);
  question.writeUInt16BE(1, 2); // IN
  // OPT (RFC 6891 §6.1.2): root name, type 41, class = UDP payload size, TTL = ext-rcode/version/flags (DO = 0x8000).
  const opt = Buffer.from([0, 0, TYPE.OPT, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0]);
  return Buffer.concat([header, encodeName(o.name), question, opt]);
}

/** The offset just past the (possibly compressed, RFC 1035 §4.1.4) name at `at`. */
function skipName(msg: Buffer, at: number): number {
  let i = at;
  for (;;) {
    if (i >= msg.length) throw new Error('DNS answer cut short in a name');
    const len = msg[i]!;
    if (len === 0) return i + 1;
    if ((len & 0xc0) === 0xc0) return i + 2;
    i += 1 + len;
  }
}

export function decodeAnswer(msg: Buffer): DnsAnswer {
  if (msg.length < 12) throw new Error('DNS answer shorter than its header');
  const flags = msg.readUInt16BE(2);
  if (!(flags & FLAG_QR)) throw new Error('DNS message is not an answer');
  const qd = msg.readUInt16BE(4);
  const an = msg.readUInt16BE(6);
  let i = 12;
  for (let q = 0; q < qd; q++) i = skipName(msg, i) + 4;
  const answers: DnsAnswer['answers'] = [];
  for (let a = 0; a < an; a++) {
    i = skipName(msg, i);
    if (i + 10 > msg.length) throw new Error('DNS answer cut short in a record');
    const type = msg.readUInt16BE(i);
    const len = msg.readUInt16BE(i + 8);
    const start = i + 10;
    if (start + len > msg.length) throw new Error('DNS answer cut short in record data');
    answers.push({ type, data: msg.subarray(start, start + len) });
    i = start + len;
  }
  return { id: msg.readUInt16BE(0), rcode: flags & 0x0f, truncated: (flags & FLAG_TC) !== 0, authenticated: (flags & FLAG_AD) !== 0, answers };
}

/** The TLSA records of an answer (RFC 6698 §2.1: usage, selector, matching type, data). */
export function tlsaRecords(a: DnsAnswer): TlsaRecord[] {
  return a.answers
    .filter((r) => r.type === TYPE.TLSA && r.data.length >= 3)
    .map((r) => ({ usage: r.data[0]!, selector: r.data[1]!, mtype: r.data[2]!, data: Buffer.from(r.data.subarray(3)) }));
}
