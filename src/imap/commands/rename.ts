/**
 * RENAME — RFC 3501 §6.3.5: the folder and its inferiors are renamed; renaming INBOX
 * moves its messages to the new folder and leaves INBOX empty. The target must not
 * exist (`NO [ALREADYEXISTS]`).
 */
import type { CommandModule } from './types.js';
import { args, mailboxArg, ok, requireAuthenticated} from './helpers.js';
import { renameFolder } from '../../store/folders.js';
import { publish } from '../../store/changes.js';

export const renameCommand: CommandModule = {
  name: 'RENAME',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const mailboxId = requireAuthenticated(ctx);
    const a = args(ctx);
    const from = mailboxArg(a, 'existing mailbox name');
    const to = mailboxArg(a, 'new mailbox name', true);
    a.end();
    const r = renameFolder(ctx.services.db, mailboxId, from, to);
    const view = ctx.session.selected;
    if (view) for (const x of r.renamed) if (x.id === view.folderId) view.folderName = x.to;
    publish(ctx.services.bus, r);
    return ok('RENAME completed');
  },
};
