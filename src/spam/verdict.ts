/**
 * The spam rule for mail from other servers (the MX port), when `spam.rspamdUrl`
 * is set: rspamd scores the message, and
 *   score >= spam.rejectScore → refused at DATA, 550 5.7.1 with rspamd's reason;
 *   score >= spam.junkScore   → delivered into Junk;
 *   otherwise                 → delivered as usual;
 * every delivered message carries the verdict in X-Spam-Status, X-Spam-Score and
 * X-Spam-Symbols (X-Spam-Flag: YES when it went to Junk) — the SpamAssassin
 * field names that mail clients and Sieve scripts know.
 * rspamd down or answering nonsense → delivered without a verdict, a warning in
 * the log and gospochta_spam_checks_total{outcome="unavailable"}.
 */
import type { Logger } from '../shared/logger.js';
import { metrics, METRIC } from '../shared/metrics.js';
import { checkMessage, RspamdUnavailable, type CheckEnvelope, type RspamdVerdict, type SpamConfig } from './rspamd.js';

export type SpamOutcome =
  | { kind: 'off' | 'unavailable' }
  | { kind: 'ham' | 'junk' | 'reject'; verdict: RspamdVerdict; fields: string };

const score = (n: number) => n.toFixed(2);

/** The X-Spam-* fields (CRLF-terminated), the symbol list folded one per line (RFC 5322 §2.2.3). */
export function spamFields(v: RspamdVerdict, junk: boolean): string {
  const symbols = Object.entries(v.symbols)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, s]) => `${name}(${score(s)})`);
  return [
    `X-Spam-Status: ${junk ? 'Yes' : 'No'}, score=${score(v.score)} required=${score(v.required)} action=${v.action}`,
    `X-Spam-Score: ${score(v.score)}`,
    ...(symbols.length ? [`X-Spam-Symbols: ${symbols.join(',\r\n\t')}`] : []),
    ...(junk ? ['X-Spam-Flag: YES'] : []),
    '',
  ].join('\r\n');
}

export async function scanInbound(cfg: SpamConfig, raw: Buffer, env: CheckEnvelope, log: Logger): Promise<SpamOutcome> {
  if (!cfg.rspamdUrl) return { kind: 'off' };
  let verdict: RspamdVerdict;
  try {
    verdict = await checkMessage(cfg, raw, env);
  } catch (e) {
    if (!(e instanceof RspamdUnavailable)) throw e;
    metrics.inc(METRIC.spamChecks, { outcome: 'unavailable' });
    log.warn({ queueId: env.queueId, error: e.message }, 'spam: rspamd unavailable; message accepted without a spam check');
    return { kind: 'unavailable' };
  }
  const kind = verdict.score >= cfg.rejectScore ? 'reject' : verdict.score >= cfg.junkScore ? 'junk' : 'ham';
  metrics.inc(METRIC.spamChecks, { outcome: kind });
  return { kind, verdict, fields: spamFields(verdict, kind !== 'ham') };
}
