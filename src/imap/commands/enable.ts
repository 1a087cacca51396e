/**
 * ENABLE — RFC 5161 §3.1: CONDSTORE and QRESYNC (RFC 7162 §3.1, §3.2.3) are
 * recorded on the session; anything else (UTF8=ACCEPT included) is ignored.
 */
import type { CommandModule } from './types.js';
import { args, ok} from './helpers.js';

const SUPPORTED = new Set(['CONDSTORE', 'QRESYNC']);

export const enableCommand: CommandModule = {
  name: 'ENABLE',
  states: ['authenticated'],
  async run(ctx) {
    const a = args(ctx);
    const names: string[] = [];
    names.push(a.atom('capability').toUpperCase());
    while (a.remaining) names.push(a.atom('capability').toUpperCase());
    const s = ctx.session;
    const enabled: string[] = [];
    for (const n of names) {
      if (!SUPPORTED.has(n) || s.enabled.has(n)) continue;
      s.enable(n);
      enabled.push(n);
    }
    await ctx.session.send(`* ENABLED${enabled.map((e) => ' ' + e).join('')}`);
    return ok('ENABLE completed');
  },
};
