/**
 * DELETE — RFC 3501 §6.3.4: not INBOX; a folder with inferior names loses its
 * messages and stays as \Noselect; a \Noselect name with inferiors cannot be deleted.
 * Deleting the folder this session has selected first leaves the selected state.
 */
import { mailboxCommand, ok } from './helpers.js';
import { deleteFolder, getFolder } from '../../store/folders.js';
import { publish } from '../../store/changes.js';

export const deleteCommand = mailboxCommand({
  name: 'DELETE',
  async run(ctx, { mailboxId, names: [name] }) {
    const s = ctx.session;
    const f = getFolder(ctx.services.db, mailboxId, name);
    if (f && s.selected?.folderId === f.id && f.name !== 'INBOX') {
      s.unselect();
      await s.send('* OK [CLOSED] Selected folder is being deleted');
    }
    const r = deleteFolder(ctx.services.db, mailboxId, name);
    publish(ctx.services.bus, r);
    return ok('DELETE completed');
  },
});
