/**
 * A Sieve script from its text to what runs: parsed (RFC 5228 §8), then checked
 * (validate.ts). Throws SieveSyntaxError with the line and column. Pure.
 */
import { parseScript } from './parser.js';
import { compile, type Compiled } from './validate.js';

export { SieveSyntaxError } from './errors.js';
export { EXTENSIONS } from './validate.js';
export type { Compiled };

export function compileScript(src: string): Compiled[] {
  return compile(parseScript(src));
}
