/** SETACTIVE name (RFC 5804 §2.8): that script runs on delivery; "" deactivates all. */
import { response } from '../protocol.js';
import { activateScript } from '../../filters/scripts.js';
import { strings, type SieveCommand } from './types.js';

export const setactive: SieveCommand = {
  name: 'SETACTIVE',
  states: ['auth'],
  run(s, args) {
    const [name] = strings(args, 1, 'SETACTIVE "name"');
    activateScript(s.ctx(), s.user!, name!);
    s.send(response('OK'));
  },
};
