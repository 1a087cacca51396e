/** RENAMESCRIPT old new (RFC 5804 §2.11.1): the active flag moves with the script. */
import { renameOwnScript } from '../../filters/scripts.js';
import { scriptCommand } from './types.js';

export const renamescript = scriptCommand({ name: 'RENAMESCRIPT', count: 2, usage: '"old" "new"', act: (ctx, owner, [from, to]) => renameOwnScript(ctx, owner, from!, to!) });
