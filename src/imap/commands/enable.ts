/**
 * ENABLE — RFC 5161 §3.1: CONDSTORE and QRESYNC (RFC 7162 §3.1, §3.2.3),
 * IMAP4rev2 (RFC 9051 §6.3.1) and UTF8=ACCEPT (RFC 6855 §3) are recorded on the
 * session (what each changes: ../extensions.ts); anything else is ignored.
 */
import type { CommandModule } from './types.js';
import { args, ok } from './helpers.js';
import { enableableName } from '../extensions.js';

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
      const spelled = enableableName(n);
      if (!spelled || s.enabled.has(n)) continue;
      s.enable(n);
      enabled.push(spelled);
    }
    await ctx.session.send(`* ENABLED${enabled.map((e) => ' ' + e).join('')}`);
    return ok('ENABLE completed');
  },
};
