/** LISTSCRIPTS (RFC 5804 §2.7): one line per script, the active one marked ACTIVE. */
import { encodeString, response } from '../protocol.js';
import { scriptsOf } from '../../filters/scripts.js';
import { strings, type SieveCommand } from './types.js';

export const listscripts: SieveCommand = {
  name: 'LISTSCRIPTS',
  states: ['auth'],
  run(s, args) {
    strings(args, 0, 'LISTSCRIPTS');
    const lines = scriptsOf(s.ctx(), s.user!).map((r) => `${encodeString(r.name)}${r.active ? ' ACTIVE' : ''}\r\n`);
    s.send(lines.join('') + response('OK'));
  },
};
