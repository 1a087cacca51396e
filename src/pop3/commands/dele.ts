/**
 * DELE — RFC 1939 §5: marks the message; it is removed in the UPDATE state (QUIT):
 * \Deleted and an expunge through the writer, seen by IMAP sessions (maildrop.ts).
 */
import type { Pop3Command } from '../types.js';
import { messageArg, words } from './msg-arg.js';

export const deleCommand: Pop3Command = {
  name: 'DELE',
  states: ['transaction'],
  async run(ctx, args) {
    const w = words(args);
    if (w.length > 1) return ctx.err('DELE takes one message number');
    const r = await messageArg(ctx, w[0]);
    if (!r) return;
    ctx.maildrop!.markDeleted(r.n);
    await ctx.ok(`Message ${r.n} deleted`);
  },
};
