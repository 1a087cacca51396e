/** PUTSCRIPT name script (RFC 5804 §2.6): checked (a refusal names the line and column), then stored. */
import { saveScript } from '../../filters/scripts.js';
import { scriptCommand } from './types.js';

export const putscript = scriptCommand({ name: 'PUTSCRIPT', count: 2, usage: '"name" {n+} script', act: (ctx, owner, [name, content]) => saveScript(ctx, owner, name!, content!) });
