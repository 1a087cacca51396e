/** STARTTLS (RFC 5804 §2.2): OK, the TLS handshake, then the capabilities again. */
import { response } from '../protocol.js';
import type { SieveCommand } from './types.js';

export const starttls: SieveCommand = {
  name: 'STARTTLS',
  states: ['unauth'],
  async run(s) {
    if (s.secure) return s.send(response('NO', { text: 'TLS is already active' }));
    s.send(response('OK', { text: 'Begin TLS negotiation now' }));
    await s.startTls();
    s.send(s.capabilities());
  },
};
