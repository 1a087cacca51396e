/** STAT — RFC 1939 §5: "+OK count octets" of the messages not marked deleted. */
import type { Pop3Command } from '../types.js';

export const statCommand: Pop3Command = {
  name: 'STAT',
  states: ['transaction'],
  async run(ctx) {
    const { count, octets } = ctx.maildrop!.stat();
    await ctx.ok(`${count} ${octets}`);
  },
};
