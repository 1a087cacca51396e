/**
 * ID — RFC 2971 §3.1. The client's "name" (and "version") is remembered for the login
 * journal. Limits of §3.3: at most 30 pairs, field names at most 30 bytes, values at
 * most 1024 bytes.
 */
import type { CommandModule } from './types.js';
import { args, ok} from './helpers.js';
import { ProtocolError } from '../protocol/errors.js';
import { tokenText } from '../protocol/tokens.js';
import { quoteString } from '../protocol/quote.js';

export const SERVER_ID: Record<string, string> = { name: 'gospochta', vendor: 'gospochta' };

export const idCommand: CommandModule = {
  name: 'ID',
  states: ['not-authenticated', 'authenticated', 'selected'],
  async run(ctx) {
    const a = args(ctx);
    const t = a.next('ID parameter list');
    a.end();
    const s = ctx.session;
    if (t.type === 'list') {
      const items = t.items;
      if (items.length % 2 !== 0) throw new ProtocolError('ID: the list must hold field/value pairs');
      if (items.length > 60) throw new ProtocolError('ID: at most 30 field/value pairs');
      const fields: Record<string, string> = {};
      for (let i = 0; i < items.length; i += 2) {
        const k = items[i]!;
        const v = items[i + 1]!;
        if (k.type !== 'string' && k.type !== 'literal') throw new ProtocolError('ID: field names must be strings');
        const key = tokenText(k)!;
        if (Buffer.byteLength(key) > 30) throw new ProtocolError('ID: field names are at most 30 bytes');
        if (v.type === 'nil') continue;
        if (v.type !== 'string' && v.type !== 'literal') throw new ProtocolError('ID: values must be strings or NIL');
        const value = tokenText(v)!;
        if (Buffer.byteLength(value) > 1024) throw new ProtocolError('ID: values are at most 1024 bytes');
        fields[key.toLowerCase()] = value.replace(/[\x00-\x1f\x7f]/g, ' ');
      }
      const name = fields['name'];
      if (name) s.setClientName((fields['version'] ? `${name} ${fields['version']}` : name).slice(0, 200));
    } else if (t.type !== 'nil') {
      throw new ProtocolError('ID: expected a parenthesized list or NIL');
    }
    const pairs = Object.entries(SERVER_ID).flatMap(([k, v]) => [quoteString(k), quoteString(v)]);
    await ctx.session.send(`* ID (${pairs.join(' ')})`);
    return ok('ID completed');
  },
};
