/**
 * THREAD / UID THREAD — RFC 5256 §3 (THREAD=ORDEREDSUBJECT, THREAD=REFERENCES),
 * §4 (`* THREAD (1)(2 3 (4)(5))`): the messages the search program matches,
 * threaded from the interned Message-ID / References / base-subject columns of
 * message_sort (store/message-sort.ts, kept by ../sort/key-cache.ts) by the pure
 * algorithms of ../sort/thread.ts.
 */
import type { CommandModule } from './types.js';
import { parseThread } from '../protocol/sort-args.js';
import { evaluateSearch } from '../search/evaluate.js';
import { folderThreadRows } from '../sort/key-cache.js';
import { UidIndex } from '../sort/uid-index.js';
import { threadReferences, threadOrderedSubject, encodeThreads } from '../sort/thread.js';
import { parseWithCharset } from './search.js';

export const threadCommand: CommandModule = {
  name: 'THREAD',
  states: ['selected'],
  uid: true,
  expungeAfter: false,
  async run(ctx) {
    const name = ctx.uid ? 'UID THREAD' : 'THREAD';
    const parsed = parseWithCharset(() => parseThread(ctx.args));
    if ('refused' in parsed) return parsed.refused;
    const req = parsed.req;
    const view = ctx.session.selected!;
    if (req.usesModseq) ctx.session.enableCondstore();
    const db = ctx.services.db;
    const found = new UidIndex(evaluateSearch(db, view, req.key, false).uids);
    const cols = folderThreadRows(db, view);
    const members: number[] = [];
    for (let i = 0; i < cols.uids.length; i++) if (found.has(cols.uids[i]!)) members.push(i);
    const input = { ...cols, members };
    const roots = req.algorithm === 'REFERENCES' ? threadReferences(input) : threadOrderedSubject(input);
    const number = ctx.uid ? (i: number) => cols.uids[i]! : (i: number) => view.uidToSeq(cols.uids[i]!)!;
    const text = encodeThreads(roots, number);
    await ctx.session.send(text ? `* THREAD ${text}` : '* THREAD');
    return { status: 'OK', text: `${name} completed` };
  },
};
