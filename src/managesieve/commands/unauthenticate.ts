/** UNAUTHENTICATE (RFC 5804 §2.14): back to the unauthenticated state. */
import { response } from '../protocol.js';
import type { SieveCommand } from './types.js';

export const unauthenticate: SieveCommand = {
  name: 'UNAUTHENTICATE',
  states: ['auth'],
  run(s) {
    s.user = null;
    s.state = 'unauth';
    s.send(response('OK'));
  },
};
