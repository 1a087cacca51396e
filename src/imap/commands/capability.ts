/** CAPABILITY — RFC 3501 §6.1.1. */
import type { CommandModule } from './types.js';
import { args, capabilityList, ok } from './helpers.js';

export const capabilityCommand: CommandModule = {
  name: 'CAPABILITY',
  states: ['not-authenticated', 'authenticated', 'selected'],
  async run(ctx) {
    args(ctx).end();
    await ctx.session.send(`* CAPABILITY ${capabilityList(ctx)}`);
    return ok('CAPABILITY completed');
  },
};
