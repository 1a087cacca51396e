/**
 * Authentication and lockout, shared by SMTP (AUTH PLAIN/LOGIN, RFC 4954) and IMAP
 * (LOGIN / AUTHENTICATE PLAIN, RFC 3501 §6.2): protocol-neutral.
 *
 * - argon2id verification, at most `auth.maxConcurrentHashes` at once (a semaphore);
 *   an unknown address still costs one verification so timing does not tell.
 * - The mailbox must be active and identity must allow its use (mailboxAccess:
 *   account confirmed and active, consent in force) — checked on every login.
 * - Failures are slowed (`auth.failureDelayMs`) and counted: the `mailboxFailures`-th
 *   failure on a mailbox within `windowMinutes` locks that mailbox for `lockMinutes`;
 *   `ipFailures` failures from one address lock the address. A lock answers
 *   'locked' (temporary) without looking at the password.
 * - A cache of successful verifications keyed by HMAC(process key, address, password)
 *   — never the password — valid `cacheSeconds`, dropped when the stored hash changes,
 *   on `invalidate`, and on `access` events (block, deletion, password change).
 * - Every attempt is a `logins` row; every failure and lock an audit row.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../store/db.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import type { EventBus } from '../events/bus.js';
import { audit } from '../store/audit.js';
import { getMailboxByAddress } from '../store/mailboxes.js';
import { mailboxAccess } from './access.js';
import { verifyPassword } from './passwords.js';
import { metrics, METRIC } from '../shared/metrics.js';

export interface AuthRequest {
  address: string;
  password: string;
  protocol: 'imap' | 'smtp';
  remote: string;
  /** Client name: IMAP ID name or SMTP EHLO name. */
  client?: string;
}

export type AuthResult =
  | { ok: true; mailboxId: number; address: string }
  | { ok: false; reason: 'invalid' | 'locked' | 'unavailable'; message: string };

export interface LoginInfo {
  loginId: number;
  mailboxId: number;
  address: string;
  protocol: 'imap' | 'smtp';
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

const LOCKED_MESSAGE = 'Too many failed logins; logins are refused for a while, try again later';

export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  const { db, cfg } = opts;
  const a = cfg.auth;
  const now = opts.now ?? Date.now;
  const windowMs = a.windowMinutes * 60_000;
  const lockMs = a.lockMinutes * 60_000;
  const key = randomBytes(32);
  const cache = new Map<string, CacheEntry>();
  const sem = new Semaphore(a.maxConcurrentHashes);

  const st = {
    lock: db.prepare<[string, string, number]>('SELECT until FROM lockouts WHERE kind = ? AND key = ? AND until > ?'),
    setLock: db.prepare<[string, string, number]>(
      'INSERT INTO lockouts (kind, key, until) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET until = excluded.until',
    ),
    fail: db.prepare<[number, string, string]>('INSERT INTO auth_failures (at, address, ip) VALUES (?, ?, ?)'),
    failsAddr: db.prepare<[string, number]>('SELECT count(*) AS n FROM auth_failures WHERE address = ? AND at > ?'),
    failsIp: db.prepare<[string, number]>('SELECT count(*) AS n FROM auth_failures WHERE ip = ? AND at > ?'),
    login: db.prepare(
      'INSERT INTO logins (at, mailbox_id, address, protocol, remote, client, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    hash: db.prepare<[number]>('SELECT password_hash FROM mailboxes WHERE id = ?'),
  };

  const unsubscribe = opts.bus?.subscribe((ev) => {
    if (ev.type === 'access') invalidate(ev.mailboxId);
  });

  function invalidate(mailboxId: number): void {
    for (const [k, v] of cache) if (v.mailboxId === mailboxId) cache.delete(k);
  }

  function cacheKey(address: string, password: string): string {
    return createHmac('sha256', key).update(address).update('\0').update(password).digest('base64');
  }

  function locked(kind: 'mailbox' | 'ip', k: string, t: number): boolean {
    return st.lock.get(kind, k, t) !== undefined;
  }

  function journal(req: AuthRequest, address: string, mailboxId: number | null, outcome: string, t: number): number {
    const r = st.login.run(t, mailboxId, address, req.protocol, req.remote, req.client ?? null, outcome);
    return Number(r.lastInsertRowid);
  }

  async function verify(hash: string, password: string): Promise<boolean> {
    opts.onVerify?.();
    return sem.run(() => verifyPassword(hash, password));
  }

  /** Record a failure; lock the mailbox / address when a threshold is reached. */
  function recordFailure(req: AuthRequest, address: string, mailboxId: number | null, t: number): void {
    db.transaction(() => {
      st.fail.run(t, address, req.remote);
      journal(req, address, mailboxId, 'failed', t);
      audit(db, {
        actor: `mailbox:${address}`,
        subject: `mailbox:${address}`,
        action: 'login',
        outcome: 'failed',
        remote: req.remote,
        mailboxId,
        details: { protocol: req.protocol, client: req.client ?? null },
        at: t,
      });
      const since = t - windowMs;
      if (mailboxId !== null && (st.failsAddr.get(address, since) as { n: number }).n >= a.mailboxFailures) {
        st.setLock.run('mailbox', address, t + lockMs);
        audit(db, { actor: 'system', subject: `mailbox:${address}`, action: 'lockout', outcome: 'ok', remote: req.remote, mailboxId, details: { kind: 'mailbox', minutes: a.lockMinutes }, at: t });
        metrics.inc(METRIC.lockouts, { kind: 'mailbox' });
        opts.log?.warn({ address, remote: req.remote }, 'mailbox locked after repeated login failures');
      }
      if ((st.failsIp.get(req.remote, since) as { n: number }).n >= a.ipFailures) {
        st.setLock.run('ip', req.remote, t + lockMs);
        audit(db, { actor: 'system', subject: `ip:${req.remote}`, action: 'lockout', outcome: 'ok', remote: req.remote, details: { kind: 'ip', minutes: a.lockMinutes }, at: t });
        metrics.inc(METRIC.lockouts, { kind: 'ip' });
        opts.log?.warn({ remote: req.remote }, 'address locked after repeated login failures');
      }
    })();
  }

  async function fail(req: AuthRequest, address: string, mailboxId: number | null, t: number): Promise<AuthResult> {
    recordFailure(req, address, mailboxId, t);
    if (a.failureDelayMs > 0) await new Promise((r) => setTimeout(r, a.failureDelayMs));
    return { ok: false, reason: 'invalid', message: 'Authentication failed' };
  }

  async function authenticate(req: AuthRequest): Promise<AuthResult> {
    const address = req.address.trim().toLowerCase();
    const t = now();
    if (locked('ip', req.remote, t) || locked('mailbox', address, t)) {
      const row = getMailboxByAddress(db, address);
      journal(req, address, row?.id ?? null, 'locked', t);
      audit(db, { actor: `mailbox:${address}`, subject: `mailbox:${address}`, action: 'login', outcome: 'refused', remote: req.remote, mailboxId: row?.id ?? null, details: { protocol: req.protocol, reason: 'locked' }, at: t });
      return { ok: false, reason: 'locked', message: LOCKED_MESSAGE };
    }
    const row = getMailboxByAddress(db, address);
    if (!row || row.status !== 'active' || !row.password_hash) {
      await verify(DUMMY_HASH, req.password).catch(() => false);
      return fail(req, address, row?.id ?? null, t);
    }
    const ck = cacheKey(address, req.password);
    const hit = cache.get(ck);
    let ok: boolean;
    if (hit && hit.expires > t && hit.mailboxId === row.id && hit.hash === row.password_hash) ok = true;
    else {
      if (hit) cache.delete(ck);
      ok = await verify(row.password_hash, req.password).catch(() => false);
      // The hash may have changed while we waited: only cache what still holds.
      if (ok && a.cacheSeconds > 0 && (st.hash.get(row.id) as { password_hash: string } | undefined)?.password_hash === row.password_hash) {
        cache.set(ck, { mailboxId: row.id, hash: row.password_hash, expires: t + a.cacheSeconds * 1000 });
      }
    }
    if (!ok) return fail(req, address, row.id, t);
    const access = mailboxAccess(db, row.id);
    if (!access.ok) {
      invalidate(row.id);
      return fail(req, address, row.id, t);
    }
    const loginId = journal(req, address, row.id, 'ok', t);
    audit(db, { actor: `mailbox:${address}`, subject: `mailbox:${address}`, action: 'login', outcome: 'ok', remote: req.remote, mailboxId: row.id, details: { protocol: req.protocol, client: req.client ?? null }, at: t });
    if (opts.onLoginSuccess) {
      const info: LoginInfo = { loginId, mailboxId: row.id, address: row.address, protocol: req.protocol, remote: req.remote, client: req.client ?? null, at: t };
      Promise.resolve()
        .then(() => opts.onLoginSuccess!(info))
        .catch((e: unknown) => opts.log?.error({ err: e, address }, 'login hook failed'));
    }
    return { ok: true, mailboxId: row.id, address: row.address };
  }

  return {
    authenticate,
    invalidate,
    close() {
      unsubscribe?.();
      cache.clear();
    },
  };
}
