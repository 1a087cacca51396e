/**
 * AUTHENTICATE "PLAIN" [initial-response] (RFC 5804 §2.1, SASL PLAIN RFC 4616):
 * only over TLS (ENCRYPT-NEEDED before it), through the server's one
 * authentication path (identity/auth.ts: lockouts, login journal). The
 * authorization identity must be empty or the same mailbox. After
 * `sieve.maxAuthFailures` failures the connection ends with BYE.
 */
import { response } from '../protocol.js';
import { CommandSyntax, type SieveCommand } from './types.js';

export const authenticate: SieveCommand = {
  name: 'AUTHENTICATE',
  states: ['unauth'],
  async run(s, args) {
    const [mech, initial] = args;
    if (!mech || mech.kind !== 'string' || args.length > 2) throw new CommandSyntax('usage: AUTHENTICATE "PLAIN" ["base64"]');
    if (mech.value.toUpperCase() !== 'PLAIN') return s.send(response('NO', { text: 'Only the PLAIN mechanism is offered' }));
    if (!s.secure) return s.send(response('NO', { code: 'ENCRYPT-NEEDED', text: 'Use STARTTLS first' }));
    let b64 = initial?.value;
    if (b64 === undefined) {
      s.send('""\r\n');
      b64 = await s.readString();
    }
    if (b64 === '*') return s.send(response('NO', { text: 'Authentication cancelled' }));
    const parts = Buffer.from(b64, 'base64').toString('utf8').split('\0');
    if (parts.length !== 3 || !parts[1]) return fail(s, 'Malformed PLAIN response');
    const [authzid, authcid, password] = parts as [string, string, string];
    if (authzid && authzid.toLowerCase() !== authcid.toLowerCase()) return fail(s, 'Acting as another user (authorization identity) is not allowed');
    const r = await s.authenticate({ address: authcid, password });
    if (!r.ok) return fail(s, r.message);
    s.user = { mailboxId: r.mailboxId, address: r.address, credential: r.credential };
    s.state = 'auth';
    s.send(response('OK', { text: 'Logged in' }));
  },
};

function fail(s: Parameters<SieveCommand['run']>[0], text: string): void {
  s.authFailures++;
  if (s.authFailures >= s.cfg.sieve.maxAuthFailures) {
    s.send(response('BYE', { text: `${text}; too many failed attempts` }));
    s.close();
    return;
  }
  s.send(response('NO', { text }));
}
