/**
 * SELECT / EXAMINE `(QRESYNC (uidvalidity modseq [known-uids [seq-match]]))` —
 * RFC 7162 §3.2.5: when the uidvalidity still holds, report what changed since the
 * client's modseq: `* VANISHED (EARLIER) uids` (expunged since, within known-uids)
 * and `* n FETCH (UID u FLAGS (...) MODSEQ (m))` for every message changed since.
 * The seq-match data (§3.2.5.2) is accepted and not needed: we keep every expunged
 * uid with its modseq, so VANISHED is exact.
 */
import type { CommandContext } from './types.js';
import type { Token } from '../protocol/tokens.js';
import { ProtocolError } from '../protocol/errors.js';
import { parseSequenceSet, setContains, formatSequenceSet } from '../protocol/sequence.js';
import { changedSince, vanishedSince } from '../../store/messages.js';
import { messageFlags } from '../flags-format.js';

function num(t: Token | undefined, what: string): number {
  if (!t || t.type !== 'atom' || !/^\d{1,19}$/.test(t.value)) throw new ProtocolError(`QRESYNC: ${what} must be a number`);
  return Number(t.value);
}

export async function selectQresync(ctx: CommandContext, params: Token[]): Promise<void> {
  const s = ctx.session;
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    if (p.type !== 'atom' || p.value.toUpperCase() !== 'QRESYNC') throw new ProtocolError(`${ctx.name}: unsupported select parameters`);
    if (!s.enabled.has('QRESYNC')) throw new ProtocolError('QRESYNC parameter needs ENABLE QRESYNC first');
    const list = params[++i];
    if (!list || list.type !== 'list' || list.items.length < 2) throw new ProtocolError('QRESYNC needs (uidvalidity modseq [known-uids])');
    const [uvTok, msTok, knownTok] = list.items;
    const uidvalidity = num(uvTok, 'uidvalidity');
    const modseq = num(msTok, 'modseq');
    let known: ReturnType<typeof parseSequenceSet> | undefined;
    if (knownTok) {
      if (knownTok.type !== 'atom') throw new ProtocolError('QRESYNC: known-uids must be a uid set');
      known = parseSequenceSet(knownTok.value);
    }
    const view = s.selected!;
    if (uidvalidity !== view.uidValidity) continue;
    const db = ctx.services.db;
    const gone = vanishedSince(db, view.folderId, modseq).filter((u) => !known || setContains(known, u, 0xffffffff));
    if (gone.length) await s.send(`* VANISHED (EARLIER) ${formatSequenceSet(gone)}`);
    for (const e of changedSince(db, view.folderId, modseq)) {
      const seq = view.uidToSeq(e.uid);
      if (seq === undefined) continue;
      await s.announceKeywords(e.keywords);
      await s.send(`* ${seq} FETCH (UID ${e.uid} FLAGS ${messageFlags(s, e.uid, e.flags, e.keywords)} MODSEQ (${e.modseq}))`);
    }
  }
}
