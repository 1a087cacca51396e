/** DELETESCRIPT name (RFC 5804 §2.10): not the active script (NO (ACTIVE)). */
import { removeScript } from '../../filters/scripts.js';
import { scriptCommand } from './types.js';

export const deletescript = scriptCommand({ name: 'DELETESCRIPT', count: 1, usage: '"name"', act: (ctx, owner, [name]) => removeScript(ctx, owner, name!) });
