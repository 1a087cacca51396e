/**
 * RENAME — RFC 3501 §6.3.5: the folder and its inferiors are renamed; renaming INBOX
 * moves its messages to the new folder and leaves INBOX empty. The target must not
 * exist (`NO [ALREADYEXISTS]`).
 */
import { mailboxCommand, ok } from './helpers.js';
import { renameFolder } from '../../store/folders.js';
import { publish } from '../../store/changes.js';

export const renameCommand = mailboxCommand({
  name: 'RENAME',
  mailboxes: [{ what: 'existing mailbox name' }, { what: 'new mailbox name', strict: true }],
  async run(ctx, { mailboxId, names: [from, to] }) {
    const r = renameFolder(ctx.services.db, mailboxId, from, to);
    const view = ctx.session.selected;
    if (view) for (const x of r.renamed) if (x.id === view.folderId) view.folderName = x.to;
    publish(ctx.services.bus, r);
    return ok('RENAME completed');
  },
});
