/**
 * MOVE / UID MOVE — RFC 6851 §3: copy and expunge in one transaction; the client
 * gets `* OK [COPYUID ...]`, then the expunges (`* n EXPUNGE` or VANISHED), then
 * the tagged OK. A missing target → `NO [TRYCREATE]`. A move into or out of Junk
 * teaches the spam filter after the commit (spam/training.ts).
 */
import type { CommandModule } from './types.js';
import { copyArgs, copyUidCode, teachSpamFilter } from './copy.js';
import { moveMessages } from '../../store/messages.js';

export const moveCommand: CommandModule = {
  name: 'MOVE',
  states: ['selected'],
  uid: true,
  async run(ctx) {
    const name = ctx.uid ? 'UID MOVE' : 'MOVE';
    const { uids, target } = copyArgs(ctx);
    const view = ctx.session.selected!;
    if (view.readOnly) return { status: 'NO', code: 'CANNOT', text: 'The folder is selected read-only (EXAMINE)' };
    if (uids.length === 0) return { status: 'OK', text: `${name} completed (nothing to move)` };
    const r = await ctx.services.writer.run((db) => {
      const m = moveMessages(db, view.folderId, uids, target.id);
      return { value: m, events: m.events };
    });
    if (r.dstUids.length) await ctx.session.send(`* OK [${copyUidCode(r.uidvalidity, r.srcUids, r.dstUids)}] Moved`);
    await ctx.session.reportExpunged(r.srcUids);
    if (target.id === view.folderId) await ctx.session.reportExists(r.dstUids);
    teachSpamFilter(ctx, target, r.dstUids);
    return { status: 'OK', text: `${name} completed` };
  },
};
