/**
 * CREATE — RFC 3501 §6.3.3: missing superior levels are created; a trailing
 * delimiter is ignored; an existing name → `NO [ALREADYEXISTS]` (RFC 5530). The
 * tagged OK names the new folder's `[MAILBOXID (id)]` (RFC 8474 §4.1).
 */
import { mailboxCommand, ok } from './helpers.js';
import { createFolder } from '../../store/folders.js';
import { mailboxObjectId } from '../object-ids.js';

export const createCommand = mailboxCommand({
  name: 'CREATE',
  mailboxes: [{ what: 'mailbox name', strict: true }],
  async run(ctx, { mailboxId, names: [name] }) {
    const f = createFolder(ctx.services.db, mailboxId, name);
    ctx.services.bus.publish({ type: 'folder', mailboxId, folderId: f.id, change: 'created' });
    return ok('CREATE completed', `MAILBOXID (${mailboxObjectId(f)})`);
  },
});
