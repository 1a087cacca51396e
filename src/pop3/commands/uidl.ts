/** UIDL — RFC 1939 §7: the unique-id of one message or of all not marked deleted (Maildrop.uniqueId). */
import { multiline } from '../dot-stuff.js';
import type { Pop3Command } from '../types.js';
import { messageArg, words } from './msg-arg.js';

export const uidlCommand: Pop3Command = {
  name: 'UIDL',
  states: ['transaction'],
  async run(ctx, args) {
    const w = words(args);
    const drop = ctx.maildrop!;
    if (w.length === 0) {
      return ctx.write('+OK Unique-id listing follows\r\n' + multiline([...drop.live()].map(([n, m]) => `${n} ${drop.uniqueId(m)}`)));
    }
    const r = await messageArg(ctx, w[0]);
    if (r) await ctx.ok(`${r.n} ${drop.uniqueId(r.m)}`);
  },
};
