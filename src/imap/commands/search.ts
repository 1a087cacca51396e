/**
 * SEARCH / UID SEARCH — RFC 3501 §6.4.4, §6.4.8, §7.2.5: `* SEARCH n...` with
 * sequence numbers or (UID SEARCH) uids; `CHARSET` UTF-8 / US-ASCII, any other →
 * `NO [BADCHARSET (UTF-8 US-ASCII)]`; with the MODSEQ key the response ends with
 * `(MODSEQ n)` (RFC 7162 §3.1.5). Parsing in ../protocol/search-keys.ts,
 * evaluation in ../search/evaluate.ts. After ENABLE IMAP4rev2 the answer is
 * `* ESEARCH` (RFC 9051 §6.4.4, §7.3.4), with `RETURN (MIN MAX COUNT ALL)`.
 */
import type { CommandModule } from './types.js';
import { parseSearch, BadCharsetError, SUPPORTED_CHARSETS, type SearchRequest } from '../protocol/search-keys.js';
import { evaluateSearch } from '../search/evaluate.js';
import { encodeEsearch, readReturn } from '../protocol/esearch.js';
import { isRev2 } from '../extensions.js';

export const searchCommand: CommandModule = {
  name: 'SEARCH',
  states: ['selected'],
  uid: true,
  expungeAfter: false,
  async run(ctx) {
    const name = ctx.uid ? 'UID SEARCH' : 'SEARCH';
    let req: SearchRequest;
    const rev2 = isRev2(ctx.session);
    const ret = rev2 ? readReturn(ctx.args) : { options: undefined, rest: ctx.args };
    try {
      req = parseSearch(ret.rest);
    } catch (err) {
      if (err instanceof BadCharsetError) {
        return { status: 'NO', code: `BADCHARSET (${SUPPORTED_CHARSETS.join(' ')})`, text: `Charset ${err.message.slice(0, 40)} is not supported` };
      }
      throw err;
    }
    const view = ctx.session.selected!;
    if (req.usesModseq) ctx.session.enableCondstore();
    const r = evaluateSearch(ctx.services.db, view, req.key, req.usesModseq);
    const nums = ctx.uid ? r.uids : r.uids.map((u) => view.uidToSeq(u)!);
    if (rev2) {
      const modseq = req.usesModseq ? r.highestModseq : undefined;
      await ctx.session.send(encodeEsearch({ tag: ctx.tag, uid: ctx.uid, nums, options: ret.options ?? ['ALL'], ...(modseq !== undefined ? { modseq } : {}) }));
      return { status: 'OK', text: `${name} completed` };
    }
    let line = '* SEARCH';
    // Long results are written in pieces so a 100k-message answer is not one huge string.
    for (let i = 0; i < nums.length; i += 5000) {
      line += ' ' + nums.slice(i, i + 5000).join(' ');
      if (i + 5000 < nums.length) {
        await ctx.session.write(line);
        line = '';
      }
    }
    if (req.usesModseq && nums.length) line += ` (MODSEQ ${r.highestModseq})`;
    await ctx.session.send(line);
    return { status: 'OK', text: `${name} completed` };
  },
};
