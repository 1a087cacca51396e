/**
 * CREATE — RFC 3501 §6.3.3: missing superior levels are created; a trailing
 * delimiter is ignored; an existing name → `NO [ALREADYEXISTS]` (RFC 5530). The
 * tagged OK names the new folder's `[MAILBOXID (id)]` (RFC 8474 §4.1).
 */
import type { CommandModule } from './types.js';
import { args, mailboxArg, ok, requireAuthenticated } from './helpers.js';
import { createFolder } from '../../store/folders.js';
import { mailboxObjectId } from '../object-ids.js';

export const createCommand: CommandModule = {
  name: 'CREATE',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const mailboxId = requireAuthenticated(ctx);
    const a = args(ctx);
    const name = mailboxArg(a, 'mailbox name', true);
    a.end();
    const f = createFolder(ctx.services.db, mailboxId, name);
    ctx.services.bus.publish({ type: 'folder', mailboxId, folderId: f.id, change: 'created' });
    return ok('CREATE completed', `MAILBOXID (${mailboxObjectId(f)})`);
  },
};
