/**
 * QUIT — RFC 1939 §6: before login, just the goodbye; after it, the UPDATE state:
 * the messages marked deleted are removed (maildrop.ts commit), and the reply says
 * how many; if removing fails, -ERR and nothing is removed (§6: "-ERR some deleted
 * messages not removed").
 */
import type { Pop3Command } from '../types.js';

export const quitCommand: Pop3Command = {
  name: 'QUIT',
  states: ['authorization', 'transaction'],
  async run(ctx) {
    const drop = ctx.maildrop;
    if (ctx.state === 'authorization' || !drop) {
      await ctx.ok(`${ctx.host.hostname} POP3 server signing off`);
      return ctx.end();
    }
    try {
      const removed = await drop.commit(ctx.host.writer);
      await ctx.ok(`${ctx.host.hostname} POP3 server signing off (${removed} messages deleted)`);
    } catch (err) {
      ctx.log.error({ err }, 'pop3: removing deleted messages failed');
      await ctx.err('[SYS/TEMP] Some deleted messages not removed; try again later');
    }
    ctx.end();
  },
};
