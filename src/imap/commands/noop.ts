/** NOOP — RFC 3501 §6.1.2: does nothing; the dispatcher then sends pending updates (EXISTS, EXPUNGE, FETCH FLAGS). */
import type { CommandModule } from './types.js';
import { args, ok } from './helpers.js';

export const noopCommand: CommandModule = {
  name: 'NOOP',
  states: ['not-authenticated', 'authenticated', 'selected'],
  async run(ctx) {
    args(ctx).end();
    return ok('NOOP completed');
  },
};
