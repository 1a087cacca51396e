/**
 * The message-number argument of STAT-family commands (RFC 1939 §5): a decimal
 * number of a message in the maildrop not marked deleted.
 */
import type { DropMessage, Maildrop } from '../maildrop.js';
import { multiline } from '../dot-stuff.js';
import type { Pop3Command, Pop3Context } from '../types.js';

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

/** DELE, RETR: exactly one message number (`-ERR <name> takes one message number` for more), its message, or null after replying -ERR. */
export async function oneMessageArg(ctx: Pop3Context, name: string, args: string): Promise<{ n: number; m: DropMessage } | null> {
  const w = words(args);
  if (w.length > 1) {
    await ctx.err(`${name} takes one message number`);
    return null;
  }
  return messageArg(ctx, w[0]);
}

/**
 * LIST, UIDL (RFC 1939 §5, §7): with no argument, `+OK <header>` and a line for
 * every message not marked deleted; with a message number, `+OK` and its line.
 */
export function listingCommand(o: { name: string; header: (drop: Maildrop) => string; line: (drop: Maildrop, n: number, m: DropMessage) => string }): Pop3Command {
  return {
    name: o.name,
    states: ['transaction'],
    async run(ctx, args) {
      const w = words(args);
      const drop = ctx.maildrop!;
      if (w.length === 0) return ctx.write(`+OK ${o.header(drop)}\r\n` + multiline([...drop.live()].map(([n, m]) => o.line(drop, n, m))));
      const r = await messageArg(ctx, w[0]);
      if (r) await ctx.ok(o.line(drop, r.n, r.m));
    },
  };
}
