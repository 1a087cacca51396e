/**
 * SEARCH / UID SEARCH — RFC 3501 §6.4.4, §6.4.8, §7.2.5: `* SEARCH n...` with
 * sequence numbers or (UID SEARCH) uids; `CHARSET` UTF-8 / US-ASCII, any other →
 * `NO [BADCHARSET (UTF-8 US-ASCII)]`; with the MODSEQ key the response ends with
 * `(MODSEQ n)` (RFC 7162 §3.1.5). `RETURN (MIN MAX COUNT ALL)` answers with
 * `* ESEARCH` instead (RFC 4731 §3.1); `RETURN (SAVE)` keeps the result for `$`
 * (RFC 5182 §2.1; a failed SEARCH with SAVE empties it, §2.4). Parsing in
 * ../protocol/search-keys.ts, evaluation in ../search/evaluate.ts.
 * After ENABLE IMAP4rev2 every answer is `* ESEARCH`, `RETURN (ALL)` when no RETURN
 * was given (RFC 9051 §6.4.4, §7.3.4).
 */
import type { CommandContext, CommandModule, CommandResult, SelectedView } from './types.js';
import type { Token } from '../protocol/tokens.js';
import { parseSearch, BadCharsetError, SUPPORTED_CHARSETS, type SearchKey, type SearchRequest } from '../protocol/search-keys.js';
import { encodeEsearch, onlySave, savedPart } from '../protocol/esearch.js';
import { evaluateSearch, type SearchResult } from '../search/evaluate.js';
import { isRev2 } from '../extensions.js';
import { commandName, noExpungeCommand } from './helpers.js';

function badCharset(err: BadCharsetError): CommandResult {
  return { status: 'NO', code: `BADCHARSET (${SUPPORTED_CHARSETS.join(' ')})`, text: `Charset ${err.message.slice(0, 40)} is not supported` };
}

/**
 * Parse the arguments of SEARCH, SORT or THREAD; a CHARSET other than UTF-8 and
 * US-ASCII is `NO [BADCHARSET (...)]` (RFC 3501 §6.4.4, RFC 5256 §3), any other
 * error propagates (BAD).
 */
function parseWithCharset<T>(parse: () => T): { req: T } | { refused: CommandResult } {
  try {
    return { req: parse() };
  } catch (err) {
    if (err instanceof BadCharsetError) return { refused: badCharset(err) };
    throw err;
  }
}

/** What a SORT or THREAD `run` is given: the client's name for the command, its arguments, the view, the matching messages. */
export interface SearchingCall<T> {
  name: string;
  req: T;
  view: SelectedView;
  found: SearchResult;
}

/**
 * SORT and THREAD (RFC 5256 §3): commands of the selected state whose arguments
 * hold a search program. They are parsed with parseWithCharset, a MODSEQ key
 * turns CONDSTORE on (RFC 7162 §3.1), and the messages the program matches are
 * found (with their highest modseq when `modseq` and the program uses MODSEQ).
 */
export function searchingCommand<T extends { key: SearchKey; usesModseq: boolean }>(spec: {
  name: string;
  parse: (tokens: Token[]) => T;
  modseq: boolean;
  run: (ctx: CommandContext, call: SearchingCall<T>) => Promise<CommandResult>;
}): CommandModule {
  return noExpungeCommand(spec.name, async (ctx) => {
    const parsed = parseWithCharset(() => spec.parse(ctx.args));
    if ('refused' in parsed) return parsed.refused;
    const { req } = parsed;
    const view = ctx.session.selected!;
    if (req.usesModseq) ctx.session.enableCondstore();
    const found = evaluateSearch(ctx.services.db, view, req.key, spec.modseq && req.usesModseq);
    return spec.run(ctx, { name: commandName(ctx), req, view, found });
  });
}

/** `* SEARCH n n ...`, written in pieces so a 100k-message answer is not one huge string. */
export async function sendNumbers(ctx: CommandContext, word: string, nums: readonly number[], suffix = ''): Promise<void> {
  let line = `* ${word}`;
  for (let i = 0; i < nums.length; i += 5000) {
    line += ' ' + nums.slice(i, i + 5000).join(' ');
    if (i + 5000 < nums.length) {
      await ctx.session.write(line);
      line = '';
    }
  }
  await ctx.session.send(line + suffix);
}

/** `RETURN (... SAVE ...)` was given: a failed search empties `$` (RFC 5182 §2.4). */
function asksToSave(ctx: CommandContext): boolean {
  const [ret, list] = ctx.args;
  return ret?.type === 'atom' && ret.value.toUpperCase() === 'RETURN' && list?.type === 'list' && list.items.some((i) => i.type === 'atom' && i.value.toUpperCase() === 'SAVE');
}

export const searchCommand = noExpungeCommand('SEARCH', async (ctx) => {
  const name = ctx.uid ? 'UID SEARCH' : 'SEARCH';
  const view = ctx.session.selected!;
  let req: SearchRequest;
  try {
    req = parseSearch(ctx.args);
  } catch (err) {
    if (asksToSave(ctx)) view.saveResult([]);
    if (err instanceof BadCharsetError) return badCharset(err);
    throw err;
  }
  if (req.usesModseq) ctx.session.enableCondstore();
  const r = evaluateSearch(ctx.services.db, view, req.key, req.usesModseq);
  const nums = ctx.uid ? r.uids : r.uids.map((u) => view.uidToSeq(u)!);
  const ret = req.returnOptions ?? (isRev2(ctx.session) ? { min: false, max: false, all: true, count: false, save: false } : undefined);
  if (!ret) {
    await sendNumbers(ctx, 'SEARCH', nums, req.usesModseq && nums.length ? ` (MODSEQ ${r.highestModseq})` : '');
    return { status: 'OK', text: `${name} completed` };
  }
  if (ret.save) view.saveResult(savedPart(ret, r.uids));
  if (!onlySave(ret)) {
    // RFC 7162 §3.1.5 (with RFC 4731): MIN/MAX alone carry the highest modseq of the messages they return
    const minMax = () => Math.max(0, ...savedPart(ret, r.uids).map((u) => r.modseqOf(u)));
    const modseq = req.usesModseq ? (ret.all || ret.count ? r.highestModseq : minMax()) : undefined;
    await ctx.session.send(encodeEsearch({ tag: ctx.tag, uid: ctx.uid, options: ret, matches: nums, ...(modseq !== undefined ? { modseq } : {}) }));
  }
  return { status: 'OK', text: `${name} completed` };
});
