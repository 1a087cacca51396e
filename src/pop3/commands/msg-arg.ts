/**
 * The message-number argument of STAT-family commands (RFC 1939 §5): a decimal
 * number of a message in the maildrop not marked deleted.
 */
import type { DropMessage } from '../maildrop.js';
import type { Pop3Context } from '../types.js';

/** The number's message, or null after replying -ERR. */
export async function messageArg(ctx: Pop3Context, arg: string | undefined): Promise<{ n: number; m: DropMessage } | null> {
  const drop = ctx.maildrop!;
  if (arg === undefined || !/^\d{1,9}$/.test(arg)) {
    await ctx.err('A message number is needed');
    return null;
  }
  const n = Number(arg);
  if (n < 1 || n > drop.count) {
    await ctx.err(`No such message; the maildrop has ${drop.count}`);
    return null;
  }
  const m = drop.get(n);
  if (!m) {
    await ctx.err(`Message ${n} is already deleted`);
    return null;
  }
  return { n, m };
}

export function words(args: string): string[] {
  return args.trim().split(/ +/).filter(Boolean);
}
