/** DELETESCRIPT name (RFC 5804 §2.10): not the active script (NO (ACTIVE)). */
import { response } from '../protocol.js';
import { removeScript } from '../../filters/scripts.js';
import { strings, type SieveCommand } from './types.js';

export const deletescript: SieveCommand = {
  name: 'DELETESCRIPT',
  states: ['auth'],
  run(s, args) {
    const [name] = strings(args, 1, 'DELETESCRIPT "name"');
    removeScript(s.ctx(), s.user!, name!);
    s.send(response('OK'));
  },
};
