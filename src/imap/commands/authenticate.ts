/**
 * AUTHENTICATE PLAIN — RFC 3501 §6.2.2 with the SASL PLAIN mechanism (RFC 4616) and
 * the initial response of SASL-IR (RFC 4959). Without an initial response the server
 * sends `+ ` and reads one line; `*` cancels (tagged BAD, §6.2.2).
 */
import type { CommandModule } from './types.js';
import { args, no} from './helpers.js';
import { completeLogin } from './login.js';
import { ProtocolError } from '../protocol/errors.js';

const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const authenticateCommand: CommandModule = {
  name: 'AUTHENTICATE',
  states: ['not-authenticated'],
  interactive: true,
  async run(ctx) {
    const a = args(ctx);
    const mech = a.atom('mechanism').toUpperCase();
    let initial: string | undefined;
    if (a.remaining) initial = a.astring('initial response');
    a.end();
    if (mech !== 'PLAIN') return no('CANNOT', `Unsupported authentication mechanism ${mech.slice(0, 30)}`);
    const s = ctx.session;
    let response: string;
    if (initial !== undefined) {
      response = initial === '=' ? '' : initial;
    } else {
      await s.continueRequest('');
      const line = await s.readLine();
      if (line === undefined) return no('UNAVAILABLE', 'Connection closed');
      response = line.trim();
      if (response === '*') throw new ProtocolError('Authentication cancelled');
    }
    if (!B64_RE.test(response)) throw new ProtocolError('AUTHENTICATE: invalid base64');
    const parts = Buffer.from(response, 'base64').toString('utf8').split('\0');
    if (parts.length !== 3) throw new ProtocolError('AUTHENTICATE PLAIN: expected authzid NUL authcid NUL password');
    const [authz, user, password] = parts as [string, string, string];
    if (authz && authz.toLowerCase() !== user.toLowerCase()) return no('AUTHORIZATIONFAILED', 'Cannot act as another user');
    return completeLogin(ctx, user, password);
  },
};
