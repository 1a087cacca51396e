/**
 * One message to one recipient over one SMTP session (RFC 5321 §3.3), held to
 * the attempt's TLS policy (tls-policy.ts):
 *   - EHLO (HELO when EHLO is refused, §4.1.4), STARTTLS when offered or required
 *     (RFC 3207), the certificate checked before EHLO is said again;
 *   - MAIL FROM with BODY=8BITMIME for 8-bit content when offered (RFC 6152 §3)
 *     and SMTPUTF8 whenever the envelope or the header holds UTF-8 (RFC 6531 §3.4);
 *     a server without SMTPUTF8 cannot take such a message: the recipient fails
 *     for good (RFC 6531 §3.2: no downgrade here), with the enhanced status codes
 *     RFC 6531 registers: 5.6.7 for a UTF-8 address, 5.6.9 for a UTF-8 header;
 *   - RCPT TO, DATA, QUIT.
 * A policy that cannot be met (no STARTTLS, a refused certificate) fails the
 * attempt as temporary: it is tried again, never sent in clear (RFC 7672 §2.2,
 * RFC 8461 §5).
 */
import type { Socket } from 'node:net';
import { SmtpClient, SmtpFailure, type Reply } from './smtp-client.js';
import { checkSession, policyName, requiresTls, tlsOptions, type TlsPolicy } from './tls-policy.js';

export interface SendRequest {
  host: string;
  port: number;
  socket: Socket | null;
  /** Where the attempt went, for texts. */
  remote: string;
  policy: TlsPolicy;
  hostname: string;
  timeoutMs: number;
  from: string;
  to: string;
  raw: Buffer;
}

export interface SendResult {
  ok: boolean;
  permanent: boolean;
  text: string;
  /** How the session was protected (or why it stopped), for the queue and the log. */
  tls: string;
}

const NON_ASCII = /[\x80-\xff]/;

/** The header of a message (up to the first empty line) holds 8-bit bytes. */
export function headerHas8Bit(raw: Buffer): boolean {
  let end = raw.indexOf('\r\n\r\n');
  if (end < 0) end = raw.indexOf('\n\n');
  return NON_ASCII.test(raw.subarray(0, end < 0 ? raw.length : end).toString('latin1'));
}

class Stop extends Error {
  constructor(
    readonly result: Omit<SendResult, 'tls'> & { tls?: string },
  ) {
    super(result.text);
  }
}

const said = (r: Reply) => r.text.replace(/\n/g, ' ');

function expect(r: Reply, ok: number[], stage: string): Reply {
  if (ok.includes(r.code)) return r;
  throw new Stop({ ok: false, permanent: r.code >= 500 && r.code < 600, text: `${stage}: ${said(r)}` });
}

async function hello(c: SmtpClient, name: string): Promise<Set<string>> {
  const ehlo = await c.command(`EHLO ${name}`);
  if (ehlo.code === 250) return new Set(ehlo.lines.slice(1).map((l) => l.split(' ')[0]!.toUpperCase()));
  expect(await c.command(`HELO ${name}`), [250], 'HELO');
  return new Set();
}

async function upgrade(c: SmtpClient, o: SendRequest, ext: Set<string>): Promise<{ ext: Set<string>; tls: string }> {
  const p = o.policy;
  if (!ext.has('STARTTLS')) {
    if (requiresTls(p)) throw new Stop({ ok: false, permanent: false, text: `${policyName(p)} requires STARTTLS, which ${o.remote} does not offer; nothing was sent` });
    return { ext, tls: `${policyName(p)}: no STARTTLS offered, sent without TLS` };
  }
  const r = await c.command('STARTTLS');
  if (r.code !== 220) {
    if (requiresTls(p)) throw new Stop({ ok: false, permanent: false, text: `${policyName(p)} requires STARTTLS, which ${o.remote} refused: ${said(r)}` });
    return { ext, tls: `${policyName(p)}: STARTTLS refused, sent without TLS` };
  }
  let tls;
  try {
    tls = await c.startTls(tlsOptions(p, o.host));
  } catch (e) {
    throw new Stop({ ok: false, permanent: false, text: `STARTTLS with ${o.remote} failed (${policyName(p)}): ${(e as Error).message}` });
  }
  const check = checkSession(p, tls);
  if (!check.ok) throw new Stop({ ok: false, permanent: false, text: `${check.reason}; ${o.remote} was given nothing`, tls: check.reason });
  return { ext: await hello(c, o.hostname), tls: check.text };
}

async function transaction(c: SmtpClient, o: SendRequest, ext: Set<string>): Promise<Reply> {
  const utf8Address = NON_ASCII.test(Buffer.from(o.from + o.to).toString('latin1'));
  const utf8 = utf8Address || headerHas8Bit(o.raw);
  if (utf8 && !ext.has('SMTPUTF8')) {
    const code = utf8Address ? '5.6.7' : '5.6.9';
    const what = utf8Address ? 'a UTF-8 address' : 'UTF-8 in its header';
    throw new Stop({ ok: false, permanent: true, text: `${code} the message has ${what} and ${o.remote} does not offer SMTPUTF8 (RFC 6531 §3.2); it was not sent` });
  }
  const args = [utf8 ? ' SMTPUTF8' : '', ext.has('8BITMIME') && NON_ASCII.test(o.raw.toString('latin1')) ? ' BODY=8BITMIME' : '', ext.has('SIZE') ? ` SIZE=${o.raw.length}` : ''].join('');
  expect(await c.command(`MAIL FROM:<${o.from}>${args}`), [250], 'MAIL FROM');
  expect(await c.command(`RCPT TO:<${o.to}>`), [250, 251], 'RCPT TO');
  expect(await c.command('DATA'), [354], 'DATA');
  return expect(await c.data(o.raw), [250], 'end of DATA');
}

export async function sendOverSmtp(o: SendRequest): Promise<SendResult> {
  let c: SmtpClient | null = null;
  let tls = policyName(o.policy);
  try {
    const opened = await SmtpClient.open({ socket: o.socket, host: o.host, port: o.port, timeoutMs: o.timeoutMs });
    c = opened.client;
    expect(opened.greeting, [220], 'greeting');
    const up = await upgrade(c, o, await hello(c, o.hostname));
    tls = up.tls;
    const done = await transaction(c, o, up.ext);
    return { ok: true, permanent: false, text: said(done), tls };
  } catch (e) {
    if (e instanceof Stop) return { ...e.result, tls: e.result.tls ?? tls };
    const text = e instanceof SmtpFailure ? `${o.remote}: ${e.message}` : `${o.remote}: ${(e as Error).message}`;
    return { ok: false, permanent: false, text, tls };
  } finally {
    c?.close();
  }
}
