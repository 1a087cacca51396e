/**
 * SELECT / EXAMINE — RFC 3501 §6.3.1, §6.3.2: FLAGS, EXISTS, RECENT, [UNSEEN n]
 * (first unseen sequence number), [PERMANENTFLAGS], [UIDVALIDITY], [UIDNEXT],
 * [HIGHESTMODSEQ] (RFC 7162 §3.1.2.1), then `[READ-WRITE]` or `[READ-ONLY]`.
 * SELECT claims \Recent (§2.3.2); EXAMINE does not. A previously selected folder is
 * closed first (`* OK [CLOSED]`, RFC 7162 §3.2.11), and a failed SELECT leaves the
 * authenticated state. Select parameters: `(CONDSTORE)` here, `(QRESYNC (...))` in
 * select-qresync.ts. `[MAILBOXID (id)]` (RFC 8474 §4.1). After ENABLE IMAP4rev2
 * (RFC 9051 §6.3.2, Appendix E) there is no RECENT and no [UNSEEN n], and a LIST line
 * names the mailbox with its attributes.
 */
import type { CommandContext } from './types.js';
import { args, commandPair, mailboxArg, mailboxOut, requireAuthenticated } from './helpers.js';
import { listAttributes } from './list.js';
import { ProtocolError } from '../protocol/errors.js';
import { getFolder, isNoselect, listFolderTree } from '../../store/folders.js';
import { claimRecent, firstUnseen, folderCounts, folderKeywords, listUids } from '../../store/messages.js';
import { GpError } from '../../shared/errors.js';
import { View } from '../selected-view.js';
import { folderFlagsLines } from '../flags-format.js';
import { selectQresync } from './select-qresync.js';
import { isRev2 } from '../extensions.js';
import { mailboxObjectId } from '../object-ids.js';


async function run(ctx: CommandContext, readOnly: boolean) {
  const mailboxId = requireAuthenticated(ctx);
  const a = args(ctx);
  const name = mailboxArg(a);
  const params = a.remaining ? a.list('select parameters').items : undefined;
  a.end();
  const s = ctx.session;
  const db = ctx.services.db;
  // Parameters are checked before anything changes (RFC 4466 §2.2 select-param; RFC 7162 §3.1.8 CONDSTORE,
  // §3.2.5 QRESYNC, which is a BAD unless the client has sent ENABLE QRESYNC).
  let condstoreParam = false;
  const other: NonNullable<typeof params> = [];
  const list = params ?? [];
  for (let i = 0; i < list.length; i++) {
    const p = list[i]!;
    const word = p.type === 'atom' && !p.section ? p.value.toUpperCase() : '';
    if (word === 'CONDSTORE') condstoreParam = true;
    else if (word === 'QRESYNC' && list[i + 1]?.type === 'list') {
      if (!s.enabled.has('QRESYNC')) throw new ProtocolError(`${ctx.name}: QRESYNC parameter without ENABLE QRESYNC (RFC 7162 §3.2.5)`);
      other.push(p, list[++i]!);
    } else throw new ProtocolError(`${ctx.name}: unsupported select parameter ${word || p.type}`);
  }
  if (s.selected) {
    s.unselect();
    await s.send('* OK [CLOSED] Previous folder closed');
  }
  const found = getFolder(db, mailboxId, name);
  if (!found) throw new GpError('NONEXISTENT', `Folder "${name}" does not exist`);
  if (isNoselect(found)) throw new GpError('CANNOT', `"${name}" is not a folder that holds messages`);
  // The other workers send this one the folder's changes before it is read: none committed after the read is missed.
  await ctx.services.bus.watch(found.id);
  const folder = getFolder(db, mailboxId, name);
  if (!folder || folder.id !== found.id) throw new GpError('NONEXISTENT', `Folder "${name}" does not exist`);

  const snap = db.transaction(() => {
    const recentAbove = readOnly ? (getFolder(db, mailboxId, folder.name)?.recent_uid ?? 0) : claimRecent(db, folder.id);
    const uids = listUids(db, folder.id);
    const counts = folderCounts(db, folder.id);
    const unseenUid = firstUnseen(db, folder.id);
    const keywords = folderKeywords(db, folder.id);
    return { recentAbove, uids, counts, unseenUid, keywords };
  })[readOnly ? 'deferred' : 'immediate']();

  const view = new View(folder.id, folder.name, snap.counts.uidvalidity, readOnly, snap.uids);
  for (const u of snap.uids) if (u > snap.recentAbove) view.recent.add(u);
  if (condstoreParam) s.enableCondstore();
  s.select(view);

  for (const k of snap.keywords) view.keywords.set(k.toLowerCase(), k);
  for (const l of folderFlagsLines(view)) await s.send(l);
  await s.send(`* ${view.exists} EXISTS`);
  const rev2 = isRev2(s);
  if (!rev2) await s.send(`* ${view.recent.size} RECENT`);
  if (snap.unseenUid !== null && !rev2) {
    const seq = view.uidToSeq(snap.unseenUid);
    if (seq !== undefined) await s.send(`* OK [UNSEEN ${seq}] First unseen`);
  }
  await s.send(`* OK [UIDVALIDITY ${snap.counts.uidvalidity}] UIDs valid`);
  await s.send(`* OK [UIDNEXT ${snap.counts.uidnext}] Predicted next UID`);
  await s.send(`* OK [HIGHESTMODSEQ ${snap.counts.highestmodseq}] Highest`);
  await s.send(`* OK [MAILBOXID (${mailboxObjectId(folder)})] Ok`);
  // RFC 9051 §6.3.2: a LIST response with the mailbox name and its attributes
  const listed = rev2 ? listFolderTree(db, mailboxId).find((f) => f.name === folder.name) : undefined;
  if (listed) await s.send(`* LIST (${listAttributes(listed, { rev2, returnSubscribed: false, subscribedOnly: false }, false).join(' ')}) "/" ${mailboxOut(folder.name, a.utf8Names)}`);
  if (other.length) await selectQresync(ctx, other);
  return { status: 'OK' as const, code: readOnly ? 'READ-ONLY' : 'READ-WRITE', text: `${ctx.name} completed` };
}

export const [selectCommand, examineCommand] = commandPair(['SELECT', 'EXAMINE'], run);
