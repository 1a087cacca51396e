/** LOGOUT (RFC 5804 §2.3): OK, then the server closes the connection. */
import { response } from '../protocol.js';
import type { SieveCommand } from './types.js';

export const logout: SieveCommand = {
  name: 'LOGOUT',
  states: ['unauth', 'auth'],
  run(s) {
    s.send(response('OK', { text: 'Logout completed' }));
    s.close();
  },
};
