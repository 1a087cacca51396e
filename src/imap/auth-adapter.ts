/**
 * The shared login and access checks, as the IMAP server calls them. They belong to
 * identity/ (src/identity/auth.ts `authenticate`, src/identity/access.ts
 * `mailboxAccess`); this adapter loads those modules when present and otherwise
 * falls back to a minimal check of its own (argon2 verify against `mailboxes`, a row
 * in `logins`), so the server works while identity/ is being written.
 * TEMPORARY: remove the fallbacks once identity/ has landed.
 */
import argon2 from 'argon2';
import type { Db } from '../store/db.js';
import { audit } from '../store/audit.js';

export type AuthResult =
  | { ok: true; mailboxId: number; address: string }
  | { ok: false; reason: 'invalid' | 'locked' | 'unavailable'; message: string };

export interface AuthRequest {
  address: string;
  password: string;
  protocol: 'imap' | 'smtp';
  remote: string;
  client?: string;
}

export type AuthenticateFn = (req: AuthRequest) => Promise<AuthResult>;
export type AccessResult = { ok: true } | { ok: false; reason: string };
export type MailboxAccessFn = (mailboxId: number) => AccessResult | Promise<AccessResult>;

type AnyFn = (...args: unknown[]) => unknown;

async function loadIdentity(name: string, fn: string): Promise<AnyFn | undefined> {
  try {
    const path = `../identity/${name}.js`;
    const mod = (await import(path)) as Record<string, unknown>;
    const f = mod[fn];
    return typeof f === 'function' ? (f as AnyFn) : undefined;
  } catch {
    return undefined;
  }
}

interface MailboxLogin {
  id: number;
  address: string;
  password_hash: string;
  status: string;
  account_status: string;
}

function fallbackAuthenticate(db: Db, access: MailboxAccessFn): AuthenticateFn {
  return async (req) => {
    const address = req.address.trim().toLowerCase();
    const row = db
      .prepare(
        `SELECT m.id, m.address, m.password_hash, m.status, a.status AS account_status
           FROM mailboxes m JOIN accounts a ON a.id = m.account_id WHERE m.address = ?`,
      )
      .get(address) as MailboxLogin | undefined;
    let ok = false;
    if (row && row.status === 'active' && row.account_status === 'active' && row.password_hash) {
      try {
        ok = await argon2.verify(row.password_hash, req.password);
      } catch {
        ok = false;
      }
      if (ok && !(await access(row.id)).ok) ok = false;
    }
    db.prepare(`INSERT INTO logins (at, mailbox_id, address, protocol, remote, client, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
      Date.now(),
      row?.id ?? null,
      address,
      req.protocol,
      req.remote,
      req.client ?? null,
      ok ? 'ok' : 'failed',
    );
    audit(db, {
      actor: `mailbox:${address}`,
      subject: `mailbox:${address}`,
      action: 'login',
      outcome: ok ? 'ok' : 'failed',
      remote: req.remote,
      mailboxId: row?.id ?? null,
      details: { protocol: req.protocol, client: req.client ?? null },
    });
    if (!ok || !row) return { ok: false, reason: 'invalid', message: 'Authentication failed' };
    return { ok: true, mailboxId: row.id, address: row.address };
  };
}

function fallbackAccess(db: Db): MailboxAccessFn {
  return (mailboxId) => {
    const row = db
      .prepare(`SELECT m.status, a.status AS account_status FROM mailboxes m JOIN accounts a ON a.id = m.account_id WHERE m.id = ?`)
      .get(mailboxId) as { status: string; account_status: string } | undefined;
    if (!row) return { ok: false, reason: 'mailbox deleted' };
    if (row.status !== 'active') return { ok: false, reason: `mailbox ${row.status}` };
    if (row.account_status !== 'active') return { ok: false, reason: `account ${row.account_status}` };
    return { ok: true };
  };
}

/**
 * The identity module's login: `createAuthenticator({db, cfg, log, bus}).authenticate(req)`
 * or a plain `authenticate` export of src/identity/auth.ts; else the fallback.
 */
export async function resolveAuthenticate(db: Db, deps: Record<string, unknown> = {}): Promise<AuthenticateFn> {
  const factory = await loadIdentity('auth', 'createAuthenticator');
  if (factory) {
    const auth = factory({ db, ...deps }) as { authenticate?: (req: AuthRequest) => Promise<AuthResult> } | undefined;
    if (auth && typeof auth.authenticate === 'function') return (req) => auth.authenticate!(req);
  }
  const f = await loadIdentity('auth', 'authenticate');
  if (!f) return fallbackAuthenticate(db, await resolveMailboxAccess(db));
  // Two plausible shapes: authenticate(db, req) or authenticate({db, ...req}).
  if (f.length >= 2) return (req) => f(db, { ...deps, ...req }) as Promise<AuthResult>;
  return (req) => f({ db, ...deps, ...req }) as Promise<AuthResult>;
}

export async function resolveMailboxAccess(db: Db): Promise<MailboxAccessFn> {
  const f = await loadIdentity('access', 'mailboxAccess');
  if (!f) return fallbackAccess(db);
  return (mailboxId) => f(db, mailboxId) as AccessResult | Promise<AccessResult>;
}
