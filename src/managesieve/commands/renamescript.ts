/** RENAMESCRIPT old new (RFC 5804 §2.11.1): the active flag moves with the script. */
import { response } from '../protocol.js';
import { renameOwnScript } from '../../filters/scripts.js';
import { strings, type SieveCommand } from './types.js';

export const renamescript: SieveCommand = {
  name: 'RENAMESCRIPT',
  states: ['auth'],
  run(s, args) {
    const [from, to] = strings(args, 2, 'RENAMESCRIPT "old" "new"');
    renameOwnScript(s.ctx(), s.user!, from!, to!);
    s.send(response('OK'));
  },
};
