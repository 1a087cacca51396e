/**
 * LOGIN — RFC 3501 §6.2.3, through the shared authentication and lockout module
 * (identity/). Failures: `NO [AUTHENTICATIONFAILED]` (RFC 5530) — with two-factor
 * protection on, the right mailbox password too, its text saying an app password
 * is needed — lockout or a
 * temporary problem: `NO [UNAVAILABLE]`; the per-user connection limit: `NO [LIMIT]`.
 * Every attempt lands in the login journal (done by the authentication module).
 */
import type { CommandContext, CommandModule, CommandResult } from './types.js';
import { args, capabilityList, no} from './helpers.js';
import { metrics, METRIC } from '../../shared/metrics.js';
import { safeText } from '../../shared/text.js';

/** Shared by LOGIN and AUTHENTICATE. */
export async function completeLogin(ctx: CommandContext, user: string, password: string): Promise<CommandResult> {
  const s = ctx.session;
  const r = await s.authenticate(user, password);
  const failed = !r.ok && (r.reason === 'invalid' || r.reason === 'app-password-required');
  metrics.inc(METRIC.logins, { protocol: 'imap', outcome: r.ok ? 'ok' : failed ? 'failed' : 'locked' });
  if (!r.ok) {
    s.log.info({ user: safeText(user, 100), reason: r.reason }, 'login failed');
    // Two-factor protection on: the text says an app password is needed (shown by Thunderbird and K-9 Mail).
    const text = r.reason === 'app-password-required' ? `Authentication failed: ${r.message}` : 'Authentication failed';
    if (s.countAuthFailure() >= ctx.services.config.imap.maxAuthFailures) {
      await s.send(`${ctx.tag} NO [AUTHENTICATIONFAILED] ${text}`);
      await s.bye('Too many authentication failures');
      return no('AUTHENTICATIONFAILED', text);
    }
    if (failed) return no('AUTHENTICATIONFAILED', text);
    return no('UNAVAILABLE', r.message || 'Temporarily unavailable, try again later');
  }
  if (s.isClosed) return no('UNAVAILABLE', 'Connection closed');
  if (!s.logIn({ mailboxId: r.mailboxId, address: r.address, credential: r.credential })) {
    s.log.warn({ mailbox: r.address }, 'too many connections for this mailbox');
    return no('LIMIT', 'Too many connections for this mailbox');
  }
  s.log.info({ client: s.clientName }, 'logged in');
  return { status: 'OK', code: `CAPABILITY ${capabilityList(ctx)}`, text: 'Logged in' };
}

export const loginCommand: CommandModule = {
  name: 'LOGIN',
  states: ['not-authenticated'],
  async run(ctx) {
    const a = args(ctx);
    const user = a.astring('user name');
    const password = a.astring('password');
    a.end();
    return completeLogin(ctx, user, password);
  },
};
