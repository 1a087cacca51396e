/** TOP — RFC 1939 §7: the header and the first `lines` body lines of one message (top-cut.ts). */
import { TopCutter } from '../top-cut.js';
import type { Pop3Command } from '../types.js';
import { messageArg, words } from './msg-arg.js';
import { sendMessage } from './retr.js';

export const topCommand: Pop3Command = {
  name: 'TOP',
  states: ['transaction'],
  async run(ctx, args) {
    const w = words(args);
    if (w.length !== 2 || !/^\d{1,9}$/.test(w[1]!)) return ctx.err('TOP takes a message number and a number of lines');
    const r = await messageArg(ctx, w[0]);
    if (r) await sendMessage(ctx, { ...r, first: 'Top of message follows', cut: new TopCutter(Number(w[1])) });
  },
};
