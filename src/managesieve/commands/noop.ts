/** NOOP [tag] (RFC 5804 §2.13): OK, echoing the tag in a TAG response code. */
import { encodeString, response } from '../protocol.js';
import { CommandSyntax, type SieveCommand } from './types.js';

export const noop: SieveCommand = {
  name: 'NOOP',
  states: ['unauth', 'auth'],
  run(s, args) {
    if (args.length > 1 || args.some((a) => a.kind !== 'string')) throw new CommandSyntax('usage: NOOP ["tag"]');
    s.send(response('OK', { ...(args[0] ? { code: `TAG ${encodeString(args[0].value)}` } : {}), text: 'Done' }));
  },
};
