/**
 * SORT / UID SORT — RFC 5256 §3 (ARRIVAL CC DATE FROM REVERSE SIZE SUBJECT TO),
 * RFC 5957 §2 (DISPLAYFROM DISPLAYTO): `* SORT n...` in sort order, sequence
 * numbers or uids. The messages are those the search program matches
 * (../search/evaluate.ts), in the order of the per-key indexes of
 * store/message-sort.ts (../sort/index-sort.ts). With `RETURN (...)` the answer
 * is `* ESEARCH` (RFC 5267 §3.1 ESORT: MIN/MAX are the first/last in sort order,
 * ALL keeps that order) and SAVE keeps the result for `$` (RFC 5182 §2.1).
 */
import { parseSort } from '../protocol/sort-args.js';
import { encodeEsearch, onlySave, savedPart } from '../protocol/esearch.js';
import { sortedUids } from '../sort/index-sort.js';
import { UidIndex } from '../sort/uid-index.js';
import { searchingCommand, sendNumbers } from './search.js';

export const sortCommand = searchingCommand({
  name: 'SORT',
  parse: parseSort,
  modseq: true,
  async run(ctx, { name, req, view, found }) {
    const sorted = sortedUids(ctx.services.db, view.folderId, req.criteria, new UidIndex(found.uids));
    const nums = ctx.uid ? sorted : sorted.map((u) => view.uidToSeq(u)!);
    const ret = req.returnOptions;
    if (!ret) {
      await sendNumbers(ctx, 'SORT', nums, req.usesModseq && nums.length ? ` (MODSEQ ${found.highestModseq})` : '');
      return { status: 'OK', text: `${name} completed` };
    }
    if (ret.save) view.saveResult(savedPart(ret, sorted, true));
    if (!onlySave(ret)) {
      const extra = req.usesModseq ? { modseq: found.highestModseq } : {};
      await ctx.session.send(encodeEsearch({ tag: ctx.tag, uid: ctx.uid, options: ret, matches: nums, sorted: true, ...extra }));
    }
    return { status: 'OK', text: `${name} completed` };
  },
});
