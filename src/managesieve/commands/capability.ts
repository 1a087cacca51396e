/** CAPABILITY (RFC 5804 §2.4): the capability lines, then OK. */
import type { SieveCommand } from './types.js';

export const capability: SieveCommand = {
  name: 'CAPABILITY',
  states: ['unauth', 'auth'],
  run(s) {
    s.send(s.capabilities());
  },
};
