/**
 * STORE / UID STORE — RFC 3501 §6.4.6, §6.4.8: FLAGS, +FLAGS, -FLAGS, .SILENT,
 * keywords; RFC 7162 §3.1.3 UNCHANGEDSINCE with `[MODIFIED set]`. Changed
 * messages are reported with untagged FETCH (not with .SILENT, except MODSEQ when
 * CONDSTORE is on); other sessions learn of them through the bus (origin = us).
 */
import { readOnlyRefusal, sequenceCommand } from './helpers.js';
import { formatSequenceSet } from '../protocol/sequence.js';
import { parseStoreArgs } from '../protocol/flags-arg.js';
import { storeFlags, getMessages } from '../../store/messages.js';
import { parseFlags } from '../../store/flags.js';
import { messageFlags } from '../flags-format.js';

export const storeCommand = sequenceCommand({
  name: 'STORE',
  parse: parseStoreArgs,
  async run(ctx, { name, set, req: sa, view }) {
    if (view.readOnly) return readOnlyRefusal();
    const uids = view.resolveSet(set, ctx.uid);
    if (sa.unchangedSince !== undefined) ctx.session.enableCondstore();
    const condstore = ctx.session.condstore;
    const pf = parseFlags(sa.flags);
    const res = await ctx.services.writer.run((db) => {
      const r = storeFlags(db, { folderId: view.folderId, uids, mode: sa.mode, flags: pf.mask, keywords: pf.keywords, unchangedSince: sa.unchangedSince, origin: ctx.session.id });
      return { value: r, events: r.events };
    });
    // keywords new to the folder are announced even when no FETCH follows (.SILENT)
    if (sa.mode !== 'remove') for (const c of res.changed) await ctx.session.announceKeywords(c.keywords);
    const failed = new Set(res.modifiedFailed);
    const changed = new Map(res.changed.map((c) => [c.uid, c]));
    if (!sa.silent) {
      // Report every message of the set (RFC 3501 §6.4.6), changed or not.
      const rest = uids.filter((u) => !changed.has(u) && !failed.has(u));
      const rows = [...res.changed, ...getMessages(ctx.services.db, view.folderId, rest)].sort((x, y) => x.uid - y.uid);
      for (const r of rows) {
        const seq = view.uidToSeq(r.uid);
        if (seq === undefined) continue;
        await ctx.session.announceKeywords(r.keywords);
        const items = [`FLAGS ${messageFlags(ctx.session, r.uid, r.flags, r.keywords)}`];
        if (ctx.uid) items.unshift(`UID ${r.uid}`);
        if (condstore) items.push(`MODSEQ (${r.modseq})`);
        await ctx.session.send(`* ${seq} FETCH (${items.join(' ')})`);
      }
    } else if (condstore) {
      for (const c of res.changed) {
        const seq = view.uidToSeq(c.uid);
        if (seq === undefined) continue;
        await ctx.session.send(`* ${seq} FETCH (${ctx.uid ? `UID ${c.uid} ` : ''}MODSEQ (${c.modseq}))`);
      }
    }
    if (res.modifiedFailed.length) {
      const nums = ctx.uid ? res.modifiedFailed : res.modifiedFailed.map((u) => view.uidToSeq(u)).filter((n): n is number => n !== undefined);
      return { status: 'OK', code: `MODIFIED ${formatSequenceSet(nums)}`, text: 'Conditional STORE failed for some messages' };
    }
    return { status: 'OK', text: `${name} completed` };
  },
});
