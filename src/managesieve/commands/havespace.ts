/** HAVESPACE name size (RFC 5804 §2.5): whether a script of that size may be stored. */
import { response } from '../protocol.js';
import { checkScriptName } from '../../filters/scripts.js';
import { CommandSyntax, type SieveCommand } from './types.js';

export const havespace: SieveCommand = {
  name: 'HAVESPACE',
  states: ['auth'],
  run(s, args) {
    const [name, size] = args;
    if (args.length !== 2 || name!.kind !== 'string' || size!.kind !== 'atom' || !/^\d{1,10}$/.test(size!.value)) throw new CommandSyntax('usage: HAVESPACE "name" size');
    checkScriptName(name!.value);
    if (Number(size!.value) > s.cfg.sieve.maxScriptBytes) return s.send(response('NO', { code: 'QUOTA/MAXSIZE', text: `Scripts are at most ${s.cfg.sieve.maxScriptBytes} bytes` }));
    s.send(response('OK'));
  },
};
