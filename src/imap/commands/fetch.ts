/**
 * FETCH / UID FETCH — RFC 3501 §6.4.5, §6.4.8, §7.4.2; RFC 7162 §3.1.4.1
 * (CHANGEDSINCE) and §3.2.6 (VANISHED, QRESYNC only, UID FETCH only).
 * Parsing in ../protocol/fetch-attrs.ts, serving in ../fetch/respond.ts.
 */
import { sequenceCommand } from './helpers.js';
import { ProtocolError } from '../protocol/errors.js';
import { setContains, formatSequenceSet } from '../protocol/sequence.js';
import { parseFetchRequest } from '../protocol/fetch-attrs.js';
import { fetchMessages } from '../fetch/respond.js';
import { vanishedSince } from '../../store/messages.js';

export const fetchCommand = sequenceCommand({
  name: 'FETCH',
  parse: parseFetchRequest,
  async run(ctx, { name, set, req, view }) {
    if (req.vanished) {
      if (!ctx.uid) throw new ProtocolError('VANISHED is allowed only with UID FETCH');
      if (!ctx.session.enabled.has('QRESYNC')) throw new ProtocolError('VANISHED needs ENABLE QRESYNC first');
    }
    const uids = view.resolveSet(set, ctx.uid);
    if (req.vanished) {
      const gone = vanishedSince(ctx.services.db, view.folderId, req.changedSince!).filter((u) => setContains(set, u, 0xffffffff));
      if (gone.length) await ctx.session.send(`* VANISHED (EARLIER) ${formatSequenceSet(gone)}`);
    }
    await fetchMessages(ctx, uids, req, { uidCommand: ctx.uid });
    return { status: 'OK', text: `${name} completed` };
  },
});
