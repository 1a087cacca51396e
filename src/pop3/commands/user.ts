/**
 * USER — RFC 1939 §7: the mailbox name, answered +OK whatever it is (nothing here
 * tells which addresses exist); PASS checks both.
 */
import type { Pop3Command } from '../types.js';

export const userCommand: Pop3Command = {
  name: 'USER',
  states: ['authorization'],
  async run(ctx, args) {
    const name = args.trim();
    if (!name) return ctx.err('USER needs a mailbox name');
    ctx.pendingUser = name;
    await ctx.ok('Send PASS');
  },
};
