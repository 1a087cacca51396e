/** UNSELECT — RFC 3691 §2: leave the selected state without expunging. */
import type { CommandModule } from './types.js';
import { args, ok} from './helpers.js';

export const unselectCommand: CommandModule = {
  name: 'UNSELECT',
  states: ['selected'],
  async run(ctx) {
    args(ctx).end();
    ctx.session.unselect();
    return ok('UNSELECT completed');
  },
};
