/**
 * STATUS — RFC 3501 §6.3.10 (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN), RFC 7162
 * §3.1.6 (HIGHESTMODSEQ; CONDSTORE-enabling), RFC 8438 (SIZE is not offered).
 * Also used by LIST-STATUS (RFC 5819).
 */
import type { CommandContext, CommandModule } from './types.js';
import { args, mailboxArg, mailboxOut, ok, requireAuthenticated} from './helpers.js';
import { ProtocolError } from '../protocol/errors.js';
import type { Token } from '../protocol/tokens.js';
import { getFolder, isNoselect, type FolderRow } from '../../store/folders.js';
import { folderCounts } from '../../store/messages.js';
import { GpError } from '../../shared/errors.js';

export const STATUS_ITEMS = new Set(['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'HIGHESTMODSEQ']);

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
        out.push(`RECENT ${view && view.folderId === folder.id ? view.recent.size : c.recent}`);
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
    }
  }
  return `* STATUS ${mailboxOut(folder.name)} (${out.join(' ')})`;
}

export const statusCommand: CommandModule = {
  name: 'STATUS',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const mailboxId = requireAuthenticated(ctx);
    const a = args(ctx);
    const name = mailboxArg(a);
    const items = statusItems(a.list('status item list').items, 'STATUS');
    a.end();
    const folder = getFolder(ctx.services.db, mailboxId, name);
    if (!folder) throw new GpError('NONEXISTENT', `Folder "${name}" does not exist`);
    if (isNoselect(folder)) throw new GpError('CANNOT', `"${name}" is not a folder that holds messages`);
    await ctx.session.send(statusLine(ctx, folder, items));
    return ok('STATUS completed');
  },
};
