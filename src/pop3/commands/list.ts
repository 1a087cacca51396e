/** LIST — RFC 1939 §5: "n octets" for one message, or a multi-line list of all not marked deleted. */
import { multiline } from '../dot-stuff.js';
import type { Pop3Command } from '../types.js';
import { messageArg, words } from './msg-arg.js';

export const listCommand: Pop3Command = {
  name: 'LIST',
  states: ['transaction'],
  async run(ctx, args) {
    const w = words(args);
    const drop = ctx.maildrop!;
    if (w.length === 0) {
      const { count, octets } = drop.stat();
      const lines = [...drop.live()].map(([n, m]) => `${n} ${m.size}`);
      return ctx.write(`+OK ${count} messages (${octets} octets)\r\n` + multiline(lines));
    }
    const r = await messageArg(ctx, w[0]);
    if (r) await ctx.ok(`${r.n} ${r.m.size}`);
  },
};
