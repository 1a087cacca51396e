/**
 * CAPA — RFC 2449 §5: the capabilities in both states. USER (RFC 2449 §6.8) and
 * SASL PLAIN (RFC 5034 §3) only before login; TOP (§6.3), UIDL (§6.6),
 * RESP-CODES (§6.4), AUTH-RESP-CODE (RFC 3206 §6), PIPELINING (§6.6),
 * IMPLEMENTATION (§6.9).
 */
import { multiline } from '../dot-stuff.js';
import type { Pop3Command } from '../types.js';

export const capaCommand: Pop3Command = {
  name: 'CAPA',
  states: ['authorization', 'transaction'],
  async run(ctx) {
    const caps = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'IMPLEMENTATION gospochta'];
    if (ctx.state === 'authorization') caps.unshift('USER', 'SASL PLAIN');
    await ctx.write('+OK Capability list follows\r\n' + multiline(caps));
  },
};
