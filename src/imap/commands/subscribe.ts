/** SUBSCRIBE / UNSUBSCRIBE — RFC 3501 §6.3.6, §6.3.7: the folder's subscribed mark (existing folders only). */
import type { CommandContext, CommandModule } from './types.js';
import { args, mailboxArg, ok, requireAuthenticated } from './helpers.js';
import { setSubscribed } from '../../store/folders.js';

async function run(ctx: CommandContext, on: boolean) {
  const mailboxId = requireAuthenticated(ctx);
  const a = args(ctx);
  const name = mailboxArg(a);
  a.end();
  setSubscribed(ctx.services.db, mailboxId, name, on);
  return ok(`${ctx.name} completed`);
}

export const subscribeCommand: CommandModule = {
  name: 'SUBSCRIBE',
  states: ['authenticated', 'selected'],
  run: (ctx) => run(ctx, true),
};

export const unsubscribeCommand: CommandModule = {
  name: 'UNSUBSCRIBE',
  states: ['authenticated', 'selected'],
  run: (ctx) => run(ctx, false),
};
