/**
 * THREAD / UID THREAD — RFC 5256 §3 (THREAD=ORDEREDSUBJECT, THREAD=REFERENCES),
 * §4 (`* THREAD (1)(2 3 (4)(5))`): the messages the search program matches,
 * threaded from the interned Message-ID / References / base-subject columns of
 * message_sort (store/message-sort.ts, kept by ../sort/key-cache.ts) by the pure
 * algorithms of ../sort/thread.ts.
 */
import { parseThread } from '../protocol/sort-args.js';
import { folderThreadRows } from '../sort/key-cache.js';
import { UidIndex } from '../sort/uid-index.js';
import { threadReferences, threadOrderedSubject, encodeThreads } from '../sort/thread.js';
import { searchingCommand } from './search.js';

export const threadCommand = searchingCommand({
  name: 'THREAD',
  parse: parseThread,
  modseq: false,
  async run(ctx, { name, req, view, found }) {
    const matches = new UidIndex(found.uids);
    const cols = folderThreadRows(ctx.services.db, view);
    const members: number[] = [];
    for (let i = 0; i < cols.uids.length; i++) if (matches.has(cols.uids[i]!)) members.push(i);
    const input = { ...cols, members };
    const roots = req.algorithm === 'REFERENCES' ? threadReferences(input) : threadOrderedSubject(input);
    const number = ctx.uid ? (i: number) => cols.uids[i]! : (i: number) => view.uidToSeq(cols.uids[i]!)!;
    const text = encodeThreads(roots, number);
    await ctx.session.send(text ? `* THREAD ${text}` : '* THREAD');
    return { status: 'OK', text: `${name} completed` };
  },
});
