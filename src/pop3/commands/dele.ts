/**
 * DELE — RFC 1939 §5: marks the message; it is removed in the UPDATE state (QUIT):
 * \Deleted and an expunge through the writer, seen by IMAP sessions (maildrop.ts).
 */
import type { Pop3Command } from '../types.js';
import { oneMessageArg } from './msg-arg.js';

export const deleCommand: Pop3Command = {
  name: 'DELE',
  states: ['transaction'],
  async run(ctx, args) {
    const r = await oneMessageArg(ctx, 'DELE', args);
    if (!r) return;
    ctx.maildrop!.markDeleted(r.n);
    await ctx.ok(`Message ${r.n} deleted`);
  },
};
