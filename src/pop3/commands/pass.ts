/**
 * PASS — RFC 1939 §7: the password for the name given by USER; spaces belong to the
 * password ("the server may treat spaces in the argument as part of the password").
 * With two-factor protection on, an app password.
 */
import type { Pop3Command } from '../types.js';

export const passCommand: Pop3Command = {
  name: 'PASS',
  states: ['authorization'],
  async run(ctx, args) {
    const user = ctx.pendingUser;
    if (user === null) return ctx.err('Send USER first');
    ctx.pendingUser = null;
    await ctx.login(user, args);
  },
};
