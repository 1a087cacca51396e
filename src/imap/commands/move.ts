/**
 * MOVE / UID MOVE — RFC 6851 §3: copy and expunge in one transaction; the client
 * gets `* OK [COPYUID ...]`, then the expunges (`* n EXPUNGE` or VANISHED), then
 * the tagged OK. A missing target → `NO [TRYCREATE]`. A move into or out of Junk
 * teaches the spam filter after the commit (spam/training.ts).
 */
import { copyUidCode, transferCommand } from './copy.js';
import { moveMessages } from '../../store/messages.js';

export const moveCommand = transferCommand({
  name: 'MOVE',
  noun: 'move',
  writes: true,
  write: (_ctx, db, from, uids, to) => moveMessages(db, from, uids, to.id),
  async announce(ctx, r) {
    if (r.dstUids.length) await ctx.session.send(`* OK [${copyUidCode(r.uidvalidity, r.srcUids, r.dstUids)}] Moved`);
    await ctx.session.reportExpunged(r.srcUids);
  },
});
