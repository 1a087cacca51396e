/**
 * The rules of a one-time code sent to a person's phone, the same for identity
 * confirmation and for turning two-factor protection on: at most one every
 * `identity.codeResendSeconds`, six random digits, valid `identity.codeTtlSeconds`,
 * sent through the configured notifier (loaded on use: nodemailer and the X.509
 * stack are slow to load for every CLI call).
 */
import { randomInt } from 'node:crypto';
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
