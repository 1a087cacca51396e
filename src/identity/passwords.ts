/**
 * Mailbox passwords: the policy (8–64 characters, upper, lower, digit, no
 * whitespace, no run of 4 sequential or repeated characters, not containing the
 * local part, not a common password) and argon2id hashing with explicit
 * parameters from config (OWASP minimum m=19456 KiB, t=2, p=1).
 */
import argon2 from 'argon2';
import type { Config } from '../config/load.js';
import { COMMON_PASSWORDS } from './common-passwords.js';
import { refuse } from './validators.js';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 64;

/** True when `s` has 4 characters in a row that repeat (aaaa) or step by ±1 (1234, abcd, dcba). */
export function hasRun(s: string, len = 4): boolean {
  const cps = Array.from(s.toLowerCase(), (c) => c.codePointAt(0)!);
  let rep = 1;
  let up = 1;
  let down = 1;
  for (let i = 1; i < cps.length; i++) {
    const d = cps[i]! - cps[i - 1]!;
    rep = d === 0 ? rep + 1 : 1;
    up = d === 1 ? up + 1 : 1;
    down = d === -1 ? down + 1 : 1;
    if (rep >= len || up >= len || down >= len) return true;
  }
  return false;
}

/** Throws invalid('password', …) naming the first rule the password breaks. */
export function checkPasswordPolicy(password: string, localPart?: string, field = 'password'): void {
  const n = Array.from(password).length;
  if (n < PASSWORD_MIN || n > PASSWORD_MAX) throw refuse(field, 'length', `must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`);
  if (/\s/u.test(password)) throw refuse(field, 'whitespace', 'must not contain spaces or other whitespace');
  if (!/\p{Lu}/u.test(password)) throw refuse(field, 'uppercase', 'must contain an upper-case letter');
  if (!/\p{Ll}/u.test(password)) throw refuse(field, 'lowercase', 'must contain a lower-case letter');
  if (!/\d/.test(password)) throw refuse(field, 'digit', 'must contain a digit');
  if (hasRun(password)) throw refuse(field, 'sequence', 'must not contain 4 sequential or repeated characters (1234, abcd, aaaa)');
  if (localPart && password.toLowerCase().includes(localPart.toLowerCase())) {
    throw refuse(field, 'local_part', 'must not contain the mailbox name');
  }
  if (COMMON_PASSWORDS.has(password.toLowerCase())) throw refuse(field, 'common', 'is too common; choose another');
}

export function hashPassword(cfg: Pick<Config, 'auth'>, password: string): Promise<string> {
  const a = cfg.auth.argon2;
  return argon2.hash(password, {
    type: argon2.argon2id,
    memoryCost: a.memoryKiB,
    timeCost: a.timeCost,
    parallelism: a.parallelism,
  });
}

/** Constant-time verification against a stored argon2id hash; false on a malformed hash. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}
