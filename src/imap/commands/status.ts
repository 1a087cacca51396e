/**
 * STATUS — RFC 3501 §6.3.10 (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN), RFC 7162
 * §3.1.6 (HIGHESTMODSEQ; CONDSTORE-enabling), RFC 8438 §3 (SIZE), RFC 9051 §6.3.11
 * (DELETED), RFC 8474 §4.2 (MAILBOXID). Also used by LIST-STATUS (RFC 5819).
 * RECENT stays accepted after ENABLE IMAP4rev2 (which dropped it) and answers 0 there.
 */
import type { CommandContext } from './types.js';
import { mailboxCommand, mailboxOut, ok } from './helpers.js';
import { ProtocolError } from '../protocol/errors.js';
import type { Token } from '../protocol/tokens.js';
import { getFolder, isNoselect, type FolderRow } from '../../store/folders.js';
import { folderCounts } from '../../store/messages.js';
import { GpError } from '../../shared/errors.js';
import { deletedCount, folderSize } from '../../store/status-counts.js';
import { showsRecent, utf8Names } from '../extensions.js';
import { mailboxObjectId } from '../object-ids.js';

export const STATUS_ITEMS = new Set(['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'HIGHESTMODSEQ', 'SIZE', 'DELETED', 'MAILBOXID']);

/** Parse a STATUS item list; throws ProtocolError on unknown items. */
export function statusItems(list: Token[], command: string): string[] {
  const items: string[] = [];
  if (!list.length) throw new ProtocolError(`${command}: empty status item list`);
  for (const t of list) {
    if (t.type !== 'atom' || t.section) throw new ProtocolError(`${command}: status items must be atoms`);
    const v = t.value.toUpperCase();
    if (!STATUS_ITEMS.has(v)) throw new ProtocolError(`${command}: unknown status item ${v.slice(0, 30)}`);
    items.push(v);
  }
  return items;
}

/** The `* STATUS name (...)` line of a folder. */
export function statusLine(ctx: CommandContext, folder: FolderRow, items: string[]): string {
  const c = folderCounts(ctx.services.db, folder.id);
  const s = ctx.session;
  const view = s.selected;
  const out: string[] = [];
  for (const it of items) {
    switch (it) {
      case 'MESSAGES':
        out.push(`MESSAGES ${c.messages}`);
        break;
      case 'RECENT':
        // the selecting session owns the \Recent of its folder (RFC 3501 §2.3.2)
        if (!showsRecent(s)) out.push('RECENT 0');
        else out.push(`RECENT ${view && view.folderId === folder.id ? view.recent.size : c.recent}`);
        break;
      case 'UIDNEXT':
        out.push(`UIDNEXT ${c.uidnext}`);
        break;
      case 'UIDVALIDITY':
        out.push(`UIDVALIDITY ${c.uidvalidity}`);
        break;
      case 'UNSEEN':
        out.push(`UNSEEN ${c.unseen}`);
        break;
      case 'HIGHESTMODSEQ':
        s.enableCondstore();
        out.push(`HIGHESTMODSEQ ${c.highestmodseq}`);
        break;
      case 'SIZE':
        out.push(`SIZE ${folderSize(ctx.services.db, folder.id)}`);
        break;
      case 'DELETED':
        out.push(`DELETED ${deletedCount(ctx.services.db, folder.id)}`);
        break;
      case 'MAILBOXID':
        out.push(`MAILBOXID (${mailboxObjectId(folder)})`);
        break;
    }
  }
  return `* STATUS ${mailboxOut(folder.name, utf8Names(s))} (${out.join(' ')})`;
}

export const statusCommand = mailboxCommand({
  name: 'STATUS',
  rest: (a) => statusItems(a.list('status item list').items, 'STATUS'),
  async run(ctx, { mailboxId, names: [name], rest: items }) {
    const folder = getFolder(ctx.services.db, mailboxId, name);
    if (!folder) throw new GpError('NONEXISTENT', `Folder "${name}" does not exist`);
    if (isNoselect(folder)) throw new GpError('CANNOT', `"${name}" is not a folder that holds messages`);
    await ctx.session.send(statusLine(ctx, folder, items));
    return ok('STATUS completed');
  },
});
