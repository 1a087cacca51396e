/** NAMESPACE — RFC 2342 §5: one personal namespace, prefix "" and delimiter "/"; no other users', no shared. */
import type { CommandModule } from './types.js';
import { args, ok } from './helpers.js';

export const namespaceCommand: CommandModule = {
  name: 'NAMESPACE',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    args(ctx).end();
    await ctx.session.send('* NAMESPACE (("" "/")) NIL NIL');
    return ok('NAMESPACE completed');
  },
};
