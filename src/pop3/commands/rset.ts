/** RSET — RFC 1939 §5: every message marked deleted is unmarked. */
import type { Pop3Command } from '../types.js';

export const rsetCommand: Pop3Command = {
  name: 'RSET',
  states: ['transaction'],
  async run(ctx) {
    const drop = ctx.maildrop!;
    drop.reset();
    const { count, octets } = drop.stat();
    await ctx.ok(`Maildrop has ${count} messages (${octets} octets)`);
  },
};
