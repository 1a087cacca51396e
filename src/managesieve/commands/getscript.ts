/** GETSCRIPT name (RFC 5804 §2.9): the script as a literal, then OK. */
import { response } from '../protocol.js';
import { readScript } from '../../filters/scripts.js';
import { strings, type SieveCommand } from './types.js';

export const getscript: SieveCommand = {
  name: 'GETSCRIPT',
  states: ['auth'],
  run(s, args) {
    const [name] = strings(args, 1, 'GETSCRIPT "name"');
    const r = readScript(s.ctx(), s.user!, name!);
    s.send(`{${Buffer.byteLength(r.content, 'utf8')}}\r\n${r.content}\r\n${response('OK')}`);
  },
};
