/**
 * CLOSE — RFC 3501 §6.4.2: in a read-write folder the \Deleted messages are removed
 * without EXPUNGE responses (expunge.ts `silentExpunge`, group-committed by the
 * writer; OK only after commit); then back to the authenticated state.
 */
import type { CommandModule } from './types.js';
import { args, ok} from './helpers.js';
import { silentExpunge } from './expunge.js';

export const closeCommand: CommandModule = {
  name: 'CLOSE',
  states: ['selected'],
  async run(ctx) {
    args(ctx).end();
    const s = ctx.session;
    const view = s.selected!;
    if (!view.readOnly) {
      await silentExpunge(ctx);
    }
    s.unselect();
    return ok('CLOSE completed');
  },
};
