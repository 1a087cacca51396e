/**
 * The shared login and access checks as the IMAP server calls them: identity/'s
 * authenticator (lockout, journal, verification cache) and access gate. The
 * composition root passes its process-wide authenticator; a server started
 * without one (tests) gets its own.
 */
import type { Db } from '../store/db.js';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../shared/logger.js';
import { createAuthenticator, type AuthRequest, type AuthResult } from '../identity/auth.js';
import { sessionAccess, type AccessResult } from '../identity/access.js';

export type { AuthRequest, AuthResult, AccessResult };
export type AuthenticateFn = (req: AuthRequest) => Promise<AuthResult>;
/** May a session that logged in with `credential` (its stamp, identity/access.ts) go on? */
export type MailboxAccessFn = (mailboxId: number, credential: string) => AccessResult | Promise<AccessResult>;

export function defaultAuthenticate(deps: { db: Db; cfg: Config; log?: Logger; bus?: EventBus }): AuthenticateFn {
  const auth = createAuthenticator(deps);
  return (req) => auth.authenticate(req);
}

export function defaultMailboxAccess(db: Db): MailboxAccessFn {
  return (mailboxId, credential) => sessionAccess(db, mailboxId, credential);
}
