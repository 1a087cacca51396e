/**
 * The rspamd HTTP protocol (https://rspamd.com/doc/architecture/protocol.html),
 * as spoken to its controller worker at `spam.rspamdUrl`:
 *   POST /checkv2    the message as the body; the envelope in request headers
 *                    (IP, Helo, From, Rcpt — one per recipient, Hostname, Queue-Id);
 *                    the answer is JSON: score, required_score, action, symbols;
 *   POST /learnspam, /learnham
 *                    the message as the body; `Password:` when the controller wants one.
 * Every request has a deadline (`spam.timeoutMs`); a refused connection, a
 * timeout or an answer that is not the protocol's is an `RspamdUnavailable`,
 * which the callers turn into "accepted without a verdict" (mail is never lost
 * because the filter is down).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Config } from '../config/schema.js';

export type SpamConfig = Config['spam'];

export class RspamdUnavailable extends Error {}

export interface RspamdVerdict {
  score: number;
  required: number;
  action: string;
  /** Symbols that fired, by name, with their score. */
  symbols: Record<string, number>;
  /** What rspamd would say to the client (e.g. "Gtube pattern"), when it says something. */
  message: string | null;
}

export interface CheckEnvelope {
  ip: string;
  helo: string;
  from: string;
  recipients: string[];
  hostname: string;
  queueId: string;
}

/** Header values go on one line (a CR or LF in a HELO name would split the request). */
const oneLine = (v: string) => v.replace(/[\r\n]+/g, ' ').slice(0, 998);

function post(cfg: SpamConfig, path: string, body: Buffer, headers: Array<[string, string]>): Promise<{ status: number; body: string }> {
  const url = new URL(path, cfg.rspamdUrl.endsWith('/') ? cfg.rspamdUrl : `${cfg.rspamdUrl}/`);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const flat: string[] = [];
  for (const [k, v] of headers) flat.push(k, oneLine(v));
  if (cfg.password) flat.push('Password', cfg.password);
  flat.push('Content-Length', String(body.length));
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'POST', headers: flat, timeout: cfg.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => reject(new RspamdUnavailable(`rspamd ${path}: ${e.message}`)));
    });
    req.on('timeout', () => req.destroy(new RspamdUnavailable(`rspamd ${path}: no answer within ${cfg.timeoutMs} ms`)));
    req.on('error', (e) => reject(e instanceof RspamdUnavailable ? e : new RspamdUnavailable(`rspamd ${path}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
    req.end(body);
  });
}

export async function checkMessage(cfg: SpamConfig, raw: Buffer, env: CheckEnvelope): Promise<RspamdVerdict> {
  const headers: Array<[string, string]> = [
    ['IP', env.ip],
    ['Helo', env.helo],
    ['From', env.from],
    ['Hostname', env.hostname],
    ['Queue-Id', env.queueId],
    ...env.recipients.map((r): [string, string] => ['Rcpt', r]),
  ];
  const res = await post(cfg, 'checkv2', raw, headers.filter(([, v]) => v !== ''));
  let j: { score?: unknown; required_score?: unknown; action?: unknown; symbols?: Record<string, { score?: number }>; messages?: { smtp_message?: string } };
  try {
    j = JSON.parse(res.body) as typeof j;
  } catch {
    throw new RspamdUnavailable(`rspamd /checkv2: HTTP ${res.status}, not a JSON answer`);
  }
  if (res.status !== 200 || typeof j.score !== 'number') throw new RspamdUnavailable(`rspamd /checkv2: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  const symbols: Record<string, number> = {};
  for (const [name, s] of Object.entries(j.symbols ?? {})) symbols[name] = typeof s.score === 'number' ? s.score : 0;
  return {
    score: j.score,
    required: typeof j.required_score === 'number' ? j.required_score : 0,
    action: typeof j.action === 'string' ? j.action : 'no action',
    symbols,
    message: j.messages?.smtp_message ?? null,
  };
}

export type LearnKind = 'spam' | 'ham';

/**
 * Teach rspamd's Bayes classifier one message. Resolves with what rspamd said:
 * learned, or already known (rspamd answers 208 for a message it learned before).
 */
export async function learnMessage(cfg: SpamConfig, kind: LearnKind, raw: Buffer): Promise<'learned' | 'known'> {
  const res = await post(cfg, kind === 'spam' ? 'learnspam' : 'learnham', raw, []);
  if (res.status === 208) return 'known';
  if (res.status !== 200) throw new RspamdUnavailable(`rspamd /learn${kind}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  return 'learned';
}
