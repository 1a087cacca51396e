/**
 * CLOSE — RFC 3501 §6.4.2: in a read-write folder the \Deleted messages are removed
 * without EXPUNGE responses; then back to the authenticated state. The removal goes
 * through the message commands' `silentExpunge` hook when present, else the store
 * (group-committed by the writer; OK only after commit).
 */
import type { CommandModule } from './types.js';
import { args, ok, sessionOf } from './helpers.js';
import { expungeDeleted } from '../../store/messages.js';

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
        await ctx.services.writer.run((db) => {
          const r = expungeDeleted(db, view.folderId);
          return { value: r.uids.length, events: r.events };
        });
      }
    } else s.unselect();
    return ok('CLOSE completed');
  },
};
