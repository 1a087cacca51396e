/** SETACTIVE name (RFC 5804 §2.8): that script runs on delivery; "" deactivates all. */
import { activateScript } from '../../filters/scripts.js';
import { scriptCommand } from './types.js';

export const setactive = scriptCommand({ name: 'SETACTIVE', count: 1, usage: '"name"', act: (ctx, owner, [name]) => activateScript(ctx, owner, name!) });
