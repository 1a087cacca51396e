/**
 * IDLE — RFC 2177: `+ idling`, then changes of the selected folder are written as
 * they are committed (EXISTS, FETCH FLAGS, EXPUNGE or VANISHED) until the client
 * sends `DONE`. DONE and the next command may arrive in one packet: the session's
 * readLine() hands over DONE and leaves the next command queued.
 */
import type { CommandModule } from './types.js';
import { Args } from '../protocol/args.js';

export const idleCommand: CommandModule = {
  name: 'IDLE',
  states: ['authenticated', 'selected'],
  interactive: true,
  async run(ctx) {
    new Args(ctx.args, 'IDLE').end();
    await ctx.session.startIdle();
    await ctx.session.continueRequest('idling');
    let line: string | undefined;
    try {
      line = await ctx.session.readLine();
    } finally {
      ctx.session.stopIdle();
    }
    if (line === undefined) return { status: 'OK', text: 'IDLE terminated (connection closed)' };
    if (line.trim().toUpperCase() !== 'DONE') return { status: 'BAD', text: 'Expected DONE to end IDLE' };
    return { status: 'OK', text: 'IDLE terminated' };
  },
};
