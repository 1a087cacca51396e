/**
 * AUTH — RFC 5034 with the PLAIN mechanism (RFC 4616): the initial response on the
 * command line, or "+ " and the response on the next line; "*" cancels (§4). The
 * authorization identity must be empty or the authentication identity: acting as
 * another user is refused. AUTH without a mechanism lists the mechanisms (the
 * form fetchmail and older clients probe with, from the RFC 1734 era).
 */
import { multiline } from '../dot-stuff.js';
import type { Pop3Command, Pop3Context } from '../types.js';

function decodePlain(b64: string): { authzid: string; user: string; password: string } | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return null;
  const parts = Buffer.from(b64, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3) return null;
  const [authzid, user, password] = parts as [string, string, string];
  return user ? { authzid, user, password } : null;
}

async function plain(ctx: Pop3Context, initial: string | undefined): Promise<void> {
  let response = initial;
  if (response === undefined) {
    await ctx.write('+ \r\n');
    response = (await ctx.readLine()).trim();
  }
  if (response === '*') return ctx.err('[AUTH] Authentication cancelled');
  // RFC 5034 §4: "=" is an empty initial response.
  const creds = decodePlain(response === '=' ? '' : response);
  if (!creds) return ctx.err('[AUTH] Malformed PLAIN response');
  if (creds.authzid && creds.authzid.toLowerCase() !== creds.user.toLowerCase()) {
    return ctx.err('[AUTH] Acting as another user (authorization identity) is not allowed');
  }
  await ctx.login(creds.user, creds.password);
}

export const authCommand: Pop3Command = {
  name: 'AUTH',
  states: ['authorization'],
  async run(ctx, args) {
    const [mech, initial, extra] = args.trim().split(/ +/).filter(Boolean);
    if (!mech) return ctx.write('+OK Mechanisms follow\r\n' + multiline(['PLAIN']));
    if (extra !== undefined) return ctx.err('AUTH takes a mechanism and at most one initial response');
    if (mech.toUpperCase() !== 'PLAIN') return ctx.err(`Unsupported mechanism; use PLAIN`);
    await plain(ctx, initial);
  },
};
