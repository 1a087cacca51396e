/**
 * The rules of a one-time code sent to a person's phone, the same for identity
 * confirmation and for turning two-factor protection on: at most one every
 * `identity.codeResendSeconds`, six random digits, valid `identity.codeTtlSeconds`,
 * sent through the configured notifier (loaded on use: nodemailer and the X.509
 * stack are slow to load for every CLI call), stored salted and hashed, checked
 * against at most `identity.codeMaxAttempts` tries.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { GpError } from '../shared/errors.js';
import type { Notifier } from './notifier.js';

export interface NewCode {
  code: string;
  expiresAt: number;
  /** The validity in whole minutes, for the text of the message. */
  minutes: number;
}

/** A fresh code, or CODE_RESEND_TOO_SOON when the `last` one was sent too recently. */
export function newOneTimeCode(cfg: Config, at: number, last: { created_at: number } | undefined): NewCode {
  const { identity } = cfg;
  if (last && at - last.created_at < identity.codeResendSeconds * 1000) {
    const wait = Math.ceil((last.created_at + identity.codeResendSeconds * 1000 - at) / 1000);
    throw new GpError('CODE_RESEND_TOO_SOON', `a new code can be sent in ${wait} s`, { temporary: true, details: { retryAfterSeconds: wait } });
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  return { code, expiresAt: at + identity.codeTtlSeconds * 1000, minutes: Math.round(identity.codeTtlSeconds / 60) };
}

export async function codeNotifier(ctx: { cfg: Config; notifier?: Notifier }): Promise<Notifier> {
  return ctx.notifier ?? (await import('./notifier.js')).createNotifier(ctx.cfg);
}

export function hashCode(code: string, salt = randomBytes(16).toString('hex')): string {
  return `${salt}:${createHmac('sha256', salt).update(code).digest('hex')}`;
}

export function codeMatches(stored: string, code: string): boolean {
  const [salt, hex] = stored.split(':');
  if (!salt || !hex) return false;
  const want = Buffer.from(hex, 'hex');
  const got = createHmac('sha256', salt).update(code).digest();
  return want.length === got.length && timingSafeEqual(want, got);
}

/** The stored fields of a pending code that its check reads. */
export interface PendingCode {
  id: number;
  code_hash: string;
  attempts: number;
  expires_at: number;
  used_at: number | null;
}

/**
 * The `code` typed against the latest one sent (`row`): CODE_NONE (saying `none`)
 * when there is none unused, CODE_EXHAUSTED after `codeMaxAttempts` wrong tries,
 * CODE_EXPIRED past its validity, CODE_WRONG (the try counted by `addAttempt`,
 * which returns the tries so far). Returns the row when the code matches.
 */
export function checkPendingCode<R extends PendingCode>(o: { cfg: Config; at: number; row: R | undefined; code: string; none: string; addAttempt: (id: number) => number }): R {
  const max = o.cfg.identity.codeMaxAttempts;
  const { row } = o;
  if (!row || row.used_at !== null) throw new GpError('CODE_NONE', o.none);
  if (row.attempts >= max) throw new GpError('CODE_EXHAUSTED', `the code was voided after ${max} wrong tries; send a new one`);
  if (o.at > row.expires_at) throw new GpError('CODE_EXPIRED', 'the code has expired; send a new one');
  if (!codeMatches(row.code_hash, o.code)) {
    const n = o.addAttempt(row.id);
    if (n >= max) throw new GpError('CODE_EXHAUSTED', `wrong code; that was the last of ${max} tries, the code is void; send a new one`);
    throw new GpError('CODE_WRONG', `wrong code; ${max - n} ${max - n === 1 ? 'try' : 'tries'} left`, { details: { triesLeft: max - n } });
  }
  return row;
}
