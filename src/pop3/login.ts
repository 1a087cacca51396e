/**
 * The login both USER/PASS (RFC 1939 §7) and AUTH PLAIN (RFC 5034) end in:
 * identity/auth.ts (lockouts, the login journal, new-device notices, two-factor
 * protection), then the maildrop taken for this session and opened. Replies carry
 * the response codes of RFC 2449 §8 and RFC 3206: [AUTH] for credentials,
 * [SYS/TEMP] for a lockout or a temporary problem, [IN-USE] when another POP3
 * session holds the maildrop.
 */
import type { AuthResult } from '../identity/auth.js';
import { metrics, METRIC } from '../shared/metrics.js';
import { safeText } from '../shared/text.js';
import { Maildrop } from './maildrop.js';
import type { Pop3Host } from './types.js';

export type LoginOutcome =
  | { ok: true; mailboxId: number; address: string; credential: string; maildrop: Maildrop }
  | { ok: false; reply: string; failure: boolean };

export function failureReply(r: Extract<AuthResult, { ok: false }>): string {
  if (r.reason === 'invalid') return '[AUTH] Authentication failed';
  // Two-factor protection on: the mailbox password was right; the text says what to use instead.
  if (r.reason === 'app-password-required') return `[AUTH] Authentication failed: ${r.message}`;
  return `[SYS/TEMP] ${r.message || 'Temporarily unavailable, try again later'}`;
}

export async function pop3Login(host: Pop3Host, o: { user: string; password: string; remote: string; session: object }): Promise<LoginOutcome> {
  const r = await host.authenticate({ address: o.user, password: o.password, protocol: 'pop3', remote: o.remote });
  const failed = !r.ok && (r.reason === 'invalid' || r.reason === 'app-password-required');
  metrics.inc(METRIC.logins, { protocol: 'pop3', outcome: r.ok ? 'ok' : failed ? 'failed' : 'locked' });
  if (!r.ok) return { ok: false, reply: failureReply(r), failure: true };
  if (!host.lockMaildrop(r.mailboxId, o.session)) {
    return { ok: false, reply: '[IN-USE] The maildrop is in use by another POP3 session; try again later', failure: false };
  }
  const maildrop = Maildrop.open(host.db, r.mailboxId);
  if (!maildrop) {
    host.releaseMaildrop(o.session);
    return { ok: false, reply: `[SYS/PERM] ${safeText(r.address)} has no INBOX`, failure: false };
  }
  return { ok: true, mailboxId: r.mailboxId, address: r.address, credential: r.credential, maildrop };
}
