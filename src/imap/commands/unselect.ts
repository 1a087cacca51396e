/** UNSELECT — RFC 3691 §2: leave the selected state without expunging. */
import type { CommandModule } from './types.js';
import { args, ok, sessionOf } from './helpers.js';

export const unselectCommand: CommandModule = {
  name: 'UNSELECT',
  states: ['selected'],
  async run(ctx) {
    args(ctx).end();
    sessionOf(ctx).unselect();
    return ok('UNSELECT completed');
  },
};
