/**
 * What the operations commands (health, backup, restore) share: loading the same
 * configuration the server uses, printing one JSON object with --json or readable
 * lines without, and turning a refusal into one line and a non-zero exit code.
 */
import { loadConfig, type Config } from '../config/load.js';
import { printError } from './output.js';

export interface JsonOption {
  json?: boolean;
}

export function opsConfig(): Config {
  return loadConfig();
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

export function printText(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

/**
 * Run a command body; a refusal prints one line on stderr (and a JSON object with
 * --json) and sets the CLI's exit code: 1 refusal, 3 internal error.
 */
export async function runOps(opts: JsonOption, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    process.exitCode = printError(e, Boolean(opts.json));
  }
}

export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(1)} ${units[u]}`;
}

export function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 65535) throw new Error(`not a port number: ${v}`);
  return n;
}
