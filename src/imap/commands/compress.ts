/**
 * COMPRESS — RFC 4978 §3: `COMPRESS DEFLATE` answers `OK` uncompressed, then both
 * directions are DEFLATE streams (../compress.ts). A second COMPRESS is refused
 * with `NO [COMPRESSIONACTIVE]`; an unknown mechanism is a `BAD`. Offered after
 * authentication only, as Dovecot does: before it the exchange is a few lines.
 */
import type { CommandModule } from './types.js';
import { args, no, ok } from './helpers.js';
import { ProtocolError } from '../protocol/errors.js';

export const compressCommand: CommandModule = {
  name: 'COMPRESS',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const a = args(ctx);
    const mechanism = a.atom('compression mechanism').toUpperCase();
    a.end();
    if (mechanism !== 'DEFLATE') throw new ProtocolError(`Unknown compression mechanism ${mechanism}; DEFLATE is supported`);
    if (ctx.session.compressed) return no('COMPRESSIONACTIVE', 'DEFLATE is already active');
    ctx.session.compressAfterReply();
    return ok('DEFLATE active');
  },
};
