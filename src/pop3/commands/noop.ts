/** NOOP — RFC 1939 §5 (the access re-check before every command still runs). */
import type { Pop3Command } from '../types.js';

export const noopCommand: Pop3Command = {
  name: 'NOOP',
  states: ['transaction'],
  async run(ctx) {
    await ctx.ok('');
  },
};
