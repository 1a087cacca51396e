/** CHECK — RFC 3501 §6.4.1: every change is committed at once, so it only reports pending updates like NOOP. */
import type { CommandModule } from './types.js';
import { args, ok } from './helpers.js';

export const checkCommand: CommandModule = {
  name: 'CHECK',
  states: ['selected'],
  async run(ctx) {
    args(ctx).end();
    return ok('CHECK completed');
  },
};
