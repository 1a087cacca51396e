/**
 * CLOSE — RFC 3501 §6.4.2: in a read-write folder the \Deleted messages are removed
 * without EXPUNGE responses; then back to the authenticated state. The removal goes
 * through the message commands' `silentExpunge` hook when present, else the store.
 */
import type { CommandModule } from './types.js';
import { args, ok, sessionOf } from './helpers.js';
import { expungeDeleted } from '../../store/messages.js';
import { publish } from '../../store/changes.js';

export const closeCommand: CommandModule = {
  name: 'CLOSE',
  states: ['selected'],
  async run(ctx) {
    args(ctx).end();
    const s = sessionOf(ctx);
    const view = s.selected!;
    if (!view.readOnly) {
      if (ctx.services.hooks.silentExpunge) {
        await ctx.services.hooks.silentExpunge(ctx);
        s.unselect();
      } else {
        s.unselect();
        publish(ctx.services.bus, expungeDeleted(ctx.services.db, view.folderId));
      }
    } else s.unselect();
    return ok('CLOSE completed');
  },
};
