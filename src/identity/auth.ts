/**
 * Authentication and lockout, shared by SMTP (AUTH PLAIN/LOGIN, RFC 4954), ManageSieve
 * (AUTHENTICATE PLAIN, RFC 5804 §2.1) and IMAP
 * (LOGIN / AUTHENTICATE PLAIN, RFC 3501 §6.2): protocol-neutral.
 *
 * - argon2id verification, at most `auth.maxConcurrentHashes` at once (a semaphore);
 *   an unknown address still costs one verification so timing does not tell.
 * - The mailbox must be active and identity must allow its use (mailboxAccess:
 *   account confirmed and active, consent in force) — checked on every login.
 * - Failures are slowed (`auth.failureDelayMs`) and counted per typed address,
 *   whether a mailbox has it or not, so nothing here tells which addresses exist:
 *   the `mailboxFailures`-th failure on an address from one client network (/24,
 *   /64) within `windowMinutes` locks that address *for that network* for
 *   `lockMinutes`; the owner on another network is not locked out. From
 *   `slowDownFailures` failures on an address from all networks, every attempt on
 *   it waits `slowDownMs` more (slowed, never refused). `ipFailures` failures from
 *   one client address lock that address for every mailbox.
 * - A locked attempt costs what a failed one costs (one verification of a dummy
 *   hash, the failure delay), counts as a failure of the client address, and gets
 *   the same answer for every address.
 * - A cache of successful verifications keyed by HMAC(process key, address, password)
 *   — never the password — valid `cacheSeconds`, dropped when the stored hash changes,
 *   on `invalidate`, and on `access` events (block, deletion, password change).
 * - Every attempt is a `logins` row; every failure and lock an audit row. The typed
 *   address is written there capped and with control characters escaped.
 * - A success carries the credential stamp (identity/access.ts) that sessions
 *   compare on every re-check, so a password change ends them.
 * - App passwords (identity/app-passwords.ts) log in like the mailbox password,
 *   their stamp naming the app password, so revoking it ends its sessions; each
 *   use records its time, client network and protocol. With two-factor protection
 *   on, the right mailbox password is refused (`app-password-required`, counted as
 *   a failure) with a text saying an app password is needed.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../store/db.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import type { EventBus } from '../events/bus.js';
import { audit } from '../store/audit.js';
import { getMailboxByAddress } from '../store/mailboxes.js';
import {
  isLocked,
  setLock,
  recordAuthFailure,
  failureAddresses,
  countFailuresFromIp,
  journalLogin,
  passwordHashOf,
} from '../store/auth-journal.js';
import { networkOf } from '../shared/network.js';
import { safeText } from '../shared/text.js';
import { appCredentialStamp, credentialStamp, mailboxAccess } from './access.js';
import { appPasswordsBySelector, getAppPassword, markAppPasswordUsed, type AppPasswordRow } from '../store/app-passwords.js';
import { normalizeAppPassword, selectorOf } from './app-passwords.js';
import { verifyPassword } from './passwords.js';
import { metrics, METRIC } from '../shared/metrics.js';

export interface AuthRequest {
  address: string;
  password: string;
  protocol: 'imap' | 'smtp' | 'pop3' | 'managesieve';
  remote: string;
  /** Client name: IMAP ID name or SMTP EHLO name. */
  client?: string;
}

export type AuthResult =
  | { ok: true; mailboxId: number; address: string; credential: string }
  /** 'app-password-required': the mailbox password was right, but two-factor protection is on. */
  | { ok: false; reason: 'invalid' | 'locked' | 'unavailable' | 'app-password-required'; message: string };

export interface LoginInfo {
  loginId: number;
  mailboxId: number;
  address: string;
  protocol: 'imap' | 'smtp' | 'pop3' | 'managesieve';
  remote: string;
  client: string | null;
  at: number;
}

export interface AuthenticatorOptions {
  db: Db;
  cfg: Config;
  log?: Logger;
  bus?: EventBus;
  /** Called after a successful login's row is written (new-device notices). Errors are logged, never fail the login. */
  onLoginSuccess?: (info: LoginInfo) => void | Promise<void>;
  now?: () => number;
  /** Counts argon2 verifications (tests, benchmarks). */
  onVerify?: () => void;
}

export interface Authenticator {
  authenticate(req: AuthRequest): Promise<AuthResult>;
  /** Forget cached verifications of a mailbox (password change, block, deletion). */
  invalidate(mailboxId: number): void;
  /** Stop listening to the bus. */
  close(): void;
}

/** A valid argon2id hash of a random password: verified for unknown addresses so timing is alike. */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3HkCqNHNO/eyH2Ggj5p1bkkVCqFUSSd1KUS+6pFaKTg';

class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

interface CacheEntry {
  mailboxId: number;
  hash: string;
  expires: number;
}

/** What one attempt is about: who typed what from where, and when. */
interface Attempt {
  req: AuthRequest;
  shown: string;
  address: string;
  net: string;
  mailboxId: number | null;
  t: number;
}

/** A mailbox row as authentication reads it. */
type MailboxForAuth = NonNullable<ReturnType<typeof getMailboxByAddress>>;

const LOCKED_MESSAGE = 'Too many failed logins; logins are refused for a while, try again later';
export const APP_PASSWORD_NEEDED =
  'an app password is needed: two-factor protection is on for this mailbox, so mail clients log in with an app password, not the mailbox password';
/** Failures of one address read at most per attempt (the newest ones count). */
const FAILURE_SCAN = 1000;

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

/** What the lockout rules of one authenticator read: the store, `auth` of the config, the window and the lock's length. */
interface LockoutRules {
  db: Db;
  auth: Config['auth'];
  windowMs: number;
  lockMs: number;
  log?: Logger;
}

/** Failures on this address in the window: from all networks, and from the client's network. */
function failuresOf(r: LockoutRules, address: string, net: string, t: number): { all: number; net: number } {
  const ips = failureAddresses(r.db, { address, since: t - r.windowMs, limit: FAILURE_SCAN });
  return { all: ips.length, net: ips.filter((ip) => networkOf(ip) === net).length };
}

/** Record a failure; lock the address for the client network / the client address at their thresholds. */
function recordFailure(r: LockoutRules, at: Attempt, reason?: string): void {
  const { req, shown, address, net, mailboxId, t } = at;
  r.db.transaction(() => {
    recordAuthFailure(r.db, { at: t, address, ip: req.remote });
    journalLogin(r.db, { at: t, mailboxId, address: shown, protocol: req.protocol, remote: req.remote, client: req.client ?? null, outcome: 'failed' });
    audit(r.db, {
      actor: `mailbox:${shown}`,
      subject: `mailbox:${shown}`,
      action: 'login',
      outcome: reason ? 'refused' : 'failed',
      remote: req.remote,
      mailboxId,
      details: { protocol: req.protocol, client: req.client ?? null, network: net, ...(reason ? { reason } : {}) },
      at: t,
    });
    if (failuresOf(r, address, net, t).net >= r.auth.mailboxFailures) {
      setLock(r.db, { kind: 'mailbox', key: `${address} ${net}`, until: t + r.lockMs });
      audit(r.db, { actor: 'system', subject: `mailbox:${shown}`, action: 'lockout', outcome: 'ok', remote: req.remote, mailboxId, details: { kind: 'mailbox', network: net, minutes: r.auth.lockMinutes }, at: t });
      metrics.inc(METRIC.lockouts, { kind: 'mailbox' });
      r.log?.warn({ address: shown, network: net, remote: req.remote }, 'address locked for one client network after repeated login failures');
    }
    lockClientAtThreshold(r, req, t);
  })();
}

/** Every failed or locked attempt counts toward the lock of the client address. */
function lockClientAtThreshold(r: LockoutRules, req: AuthRequest, t: number): void {
  if (countFailuresFromIp(r.db, { ip: req.remote, since: t - r.windowMs }) < r.auth.ipFailures) return;
  if (isLocked(r.db, 'ip', req.remote, t)) return;
  setLock(r.db, { kind: 'ip', key: req.remote, until: t + r.lockMs });
  audit(r.db, { actor: 'system', subject: `ip:${req.remote}`, action: 'lockout', outcome: 'ok', remote: req.remote, details: { kind: 'ip', minutes: r.auth.lockMinutes }, at: t });
  metrics.inc(METRIC.lockouts, { kind: 'ip' });
  r.log?.warn({ remote: req.remote }, 'client address locked after repeated login failures');
}

/**
 * Argon2id verifications, at most `auth.maxConcurrentHashes` at once; the ones
 * that held are cached `auth.cacheSeconds` under a keyed hash of the address and
 * the password (the key is this process's own). Methods are bound: callers take them apart.
 */
class Verifier {
  private readonly key = randomBytes(32);
  private readonly cache = new Map<string, CacheEntry>();
  private readonly sem: Semaphore;

  constructor(
    private readonly auth: Config['auth'],
    private readonly onVerify?: () => void,
  ) {
    this.sem = new Semaphore(auth.maxConcurrentHashes);
  }

  invalidate = (mailboxId: number): void => {
    for (const [k, v] of this.cache) if (v.mailboxId === mailboxId) this.cache.delete(k);
  };

  clear(): void {
    this.cache.clear();
  }

  cacheKey = (address: string, password: string): string => createHmac('sha256', this.key).update(address).update('\0').update(password).digest('base64');

  verify = async (hash: string, password: string): Promise<boolean> => {
    this.onVerify?.();
    return this.sem.run(() => verifyPassword(hash, password)).catch(() => false);
  };

  /** A cached or fresh argon2id verification of `password` against `hash`. */
  verifyCached = async (mailboxId: number, ck: string, hash: string, password: string, t: number, stillHash: () => string | undefined): Promise<boolean> => {
    const hit = this.cache.get(ck);
    if (hit && hit.expires > t && hit.mailboxId === mailboxId && hit.hash === hash) return true;
    if (hit) this.cache.delete(ck);
    const ok = await this.verify(hash, password);
    // The hash may have changed while we waited: only cache what still holds.
    if (ok && this.auth.cacheSeconds > 0 && stillHash() === hash) this.cache.set(ck, { mailboxId, hash, expires: t + this.auth.cacheSeconds * 1000 });
    return ok;
  };
}

/** A failed attempt recorded (with `reason` when a right password is refused), answered after the failure delay. */
async function refuse(r: LockoutRules, at: Attempt, result: AuthResult, reason?: string): Promise<AuthResult> {
  recordFailure(r, at, reason);
  await sleep(r.auth.failureDelayMs);
  return result;
}

/** A locked attempt: the cost (`verifyDummy`) and the answer of a failure, whatever the address. */
async function refuseLocked(r: LockoutRules, verifyDummy: () => Promise<boolean>, at: Omit<Attempt, 'net' | 'mailboxId'>): Promise<AuthResult> {
  const { req, shown, address, t } = at;
  await verifyDummy();
  const row = getMailboxByAddress(r.db, address);
  r.db.transaction(() => {
    recordAuthFailure(r.db, { at: t, address, ip: req.remote });
    lockClientAtThreshold(r, req, t);
    journalLogin(r.db, { at: t, mailboxId: row?.id ?? null, address: shown, protocol: req.protocol, remote: req.remote, client: req.client ?? null, outcome: 'locked' });
    audit(r.db, { actor: `mailbox:${shown}`, subject: `mailbox:${shown}`, action: 'login', outcome: 'refused', remote: req.remote, mailboxId: row?.id ?? null, details: { protocol: req.protocol, reason: 'locked' }, at: t });
  })();
  await sleep(r.auth.failureDelayMs);
  return { ok: false, reason: 'locked', message: LOCKED_MESSAGE };
}

/** A login that succeeded: journaled, audited (with the app password's name), the login hook called after. */
function recordLogin(r: LockoutRules, o: { req: AuthRequest; address: string; row: MailboxForAuth; app: AppPasswordRow | null; t: number; onLoginSuccess?: (info: LoginInfo) => void | Promise<void> }): void {
  const { req, address, row, app, t } = o;
  const loginId = journalLogin(r.db, { at: t, mailboxId: row.id, address, protocol: req.protocol, remote: req.remote, client: req.client ?? null, outcome: 'ok' });
  const details = { protocol: req.protocol, client: req.client ?? null, ...(app ? { appPassword: app.name } : {}) };
  audit(r.db, { actor: `mailbox:${address}`, subject: `mailbox:${address}`, action: 'login', outcome: 'ok', remote: req.remote, mailboxId: row.id, details, at: t });
  if (o.onLoginSuccess) {
    const hook = o.onLoginSuccess;
    const info: LoginInfo = { loginId, mailboxId: row.id, address: row.address, protocol: req.protocol, remote: req.remote, client: req.client ?? null, at: t };
    Promise.resolve()
      .then(() => hook(info))
      .catch((e: unknown) => r.log?.error({ err: e, address }, 'login hook failed'));
  }
}

export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  const { db, cfg } = opts;
  const a = cfg.auth;
  const now = opts.now ?? Date.now;
  const windowMs = a.windowMinutes * 60_000;
  const lockMs = a.lockMinutes * 60_000;
  const rules: LockoutRules = { db, auth: a, windowMs, lockMs, log: opts.log };
  const verifier = new Verifier(a, opts.onVerify);
  const { verify, verifyCached, cacheKey, invalidate } = verifier;

  const unsubscribe = opts.bus?.subscribe((ev) => {
    if (ev.type === 'access') invalidate(ev.mailboxId);
  });

  const fail = (at: Attempt) => refuse(rules, at, { ok: false, reason: 'invalid', message: 'Authentication failed' });
  // The mailbox password was right but two-factor protection is on: refused, and
  // counted like a failure (the lockout holds), with the text that says what to use.
  const refuseMailboxPassword = (at: Attempt) => refuse(rules, at, { ok: false, reason: 'app-password-required', message: APP_PASSWORD_NEEDED }, 'app password required');

  /** The app password of the mailbox that `password` is, or null (identity/app-passwords.ts). */
  async function matchAppPassword(row: MailboxForAuth, password: string, t: number): Promise<AppPasswordRow | null> {
    const typed = normalizeAppPassword(password);
    if (!typed) return null;
    for (const app of appPasswordsBySelector(db, row.id, selectorOf(typed))) {
      const ck = cacheKey(`app:${app.id}`, typed);
      const still = () => {
        const r = getAppPassword(db, app.id);
        return r && r.revoked_at === null ? r.hash : undefined;
      };
      if (await verifyCached(row.id, ck, app.hash, typed, t, still)) return app;
    }
    return null;
  }

  async function authenticate(typed: AuthRequest): Promise<AuthResult> {
    const req: AuthRequest = typed.client === undefined ? typed : { ...typed, client: safeText(typed.client, 128) };
    const address = req.address.trim().toLowerCase();
    const shown = safeText(address);
    const net = networkOf(req.remote);
    const t = now();
    if (isLocked(db, 'ip', req.remote, t) || isLocked(db, 'mailbox', `${address} ${net}`, t)) return refuseLocked(rules, () => verify(DUMMY_HASH, req.password), { req, shown, address, t });
    if (failuresOf(rules, address, net, t).all >= a.slowDownFailures) await sleep(a.slowDownMs);
    const row = getMailboxByAddress(db, address);
    const at: Attempt = { req, shown, address, net, mailboxId: row?.id ?? null, t };
    if (!row || row.status !== 'active' || !row.password_hash) {
      await verify(DUMMY_HASH, req.password);
      return fail(at);
    }
    const app = await matchAppPassword(row, req.password, t);
    if (!app) {
      const ok = await verifyCached(row.id, cacheKey(address, req.password), row.password_hash, req.password, t, () => passwordHashOf(db, row.id));
      if (!ok) return fail(at);
      if (row.two_factor_at !== null) return refuseMailboxPassword(at);
    }
    const access = mailboxAccess(db, row.id);
    if (!access.ok) {
      invalidate(row.id);
      return fail(at);
    }
    if (app) markAppPasswordUsed(db, { id: app.id, at: t, network: net, protocol: req.protocol });
    recordLogin(rules, { req, address, row, app, t, onLoginSuccess: opts.onLoginSuccess });
    const credential = app ? appCredentialStamp(app.id, app.hash) : credentialStamp(row.password_hash);
    return { ok: true, mailboxId: row.id, address: row.address, credential };
  }

  return {
    authenticate,
    invalidate,
    close() {
      unsubscribe?.();
      verifier.clear();
    },
  };
}
