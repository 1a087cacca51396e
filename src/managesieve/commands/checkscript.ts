/** CHECKSCRIPT script (RFC 5804 §2.12): the checks of PUTSCRIPT, nothing stored. */
import { response } from '../protocol.js';
import { checkScript } from '../../filters/scripts.js';
import { strings, type SieveCommand } from './types.js';

export const checkscript: SieveCommand = {
  name: 'CHECKSCRIPT',
  states: ['auth'],
  run(s, args) {
    const [content] = strings(args, 1, 'CHECKSCRIPT {n+} script');
    checkScript(s.ctx(), content!);
    s.send(response('OK'));
  },
};
