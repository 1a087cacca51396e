/** PUTSCRIPT name script (RFC 5804 §2.6): checked (a refusal names the line and column), then stored. */
import { response } from '../protocol.js';
import { saveScript } from '../../filters/scripts.js';
import { strings, type SieveCommand } from './types.js';

export const putscript: SieveCommand = {
  name: 'PUTSCRIPT',
  states: ['auth'],
  run(s, args) {
    const [name, content] = strings(args, 2, 'PUTSCRIPT "name" {n+} script');
    saveScript(s.ctx(), s.user!, name!, content!);
    s.send(response('OK'));
  },
};
