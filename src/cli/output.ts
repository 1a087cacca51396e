/**
 * The shell every command shares: common options (--json, --operator), lazy
 * config/store opening, one JSON object on stdout with --json, and on refusal a
 * one-line reason on stderr (`gospochta: <message>`, plus `{"error", "message"}`
 * on stdout with --json) and a non-zero exit code:
 *   1 refusal (a GpError), 2 usage error, 3 internal error.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../config/load.js';
import { openDb, type Db } from '../store/db.js';
import { keyOptions } from '../store/key.js';
import { GpError, isGpError } from '../shared/errors.js';
import { operatorActor, type IdentityContext } from '../identity/context.js';

export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

export interface CommonOptions {
  json?: boolean;
  operator?: string;
}

export interface Result {
  /** The one JSON object printed with --json. */
  json: object;
  /** Human-readable lines otherwise. */
  text: string | string[];
}

export class CliSession {
  private cfgCache?: Config;
  private dbCache?: Db;
  constructor(readonly opts: CommonOptions & Record<string, unknown>) {}

  get cfg(): Config {
    return (this.cfgCache ??= loadConfig());
  }

  get db(): Db {
    return (this.dbCache ??= openDb(this.cfg.dataDir, { key: keyOptions(this.cfg) }));
  }

  /** The operator's name: --operator, else GOSPOCHTA_OPERATOR, else the OS user. */
  get operatorName(): string {
    const fromOpt = typeof this.opts.operator === 'string' ? this.opts.operator.trim() : '';
    if (fromOpt) return fromOpt;
    const fromEnv = process.env.GOSPOCHTA_OPERATOR?.trim();
    if (fromEnv) return fromEnv;
    try {
      return userInfo().username || 'unknown';
    } catch {
      return 'unknown';
    }
  }

  ctx(): IdentityContext {
    return { db: this.db, cfg: this.cfg, actor: operatorActor(this.operatorName) };
  }

  close(): void {
    this.dbCache?.close();
    this.dbCache = undefined;
  }
}

export function withCommon(cmd: Command): Command {
  return cmd
    .option('--json', 'print one JSON object on stdout')
    .option('--operator <name>', 'operator name for the audit journal (default: $GOSPOCHTA_OPERATOR or the OS user)');
}

export function printError(e: unknown, json: boolean): number {
  const err = isGpError(e)
    ? e
    : new GpError('INTERNAL', e instanceof Error ? e.message.split('\n')[0]! : String(e), { kind: 'internal' });
  process.stderr.write(`gospochta: ${err.message}\n`);
  if (json) process.stdout.write(JSON.stringify({ error: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), ...(err.details ? { details: err.details } : {}) }) + '\n');
  return isGpError(e) ? EXIT_REFUSED : EXIT_INTERNAL;
}

type Handler = (args: string[], s: CliSession) => Promise<Result> | Result;

/** Wrap a command handler: positional args, a session, output and exit code. */
export function act(handler: Handler): (...raw: unknown[]) => Promise<void> {
  return async (...raw: unknown[]) => {
    const cmd = raw[raw.length - 1] as Command;
    const opts = cmd.opts<CommonOptions & Record<string, unknown>>();
    const args = raw.slice(0, -2).map((a) => String(a));
    const s = new CliSession(opts);
    try {
      const r = await handler(args, s);
      if (opts.json) process.stdout.write(JSON.stringify(r.json) + '\n');
      else {
        const lines = Array.isArray(r.text) ? r.text : [r.text];
        if (lines.length) process.stdout.write(lines.join('\n') + '\n');
      }
    } catch (e) {
      process.exitCode = printError(e, Boolean(opts.json));
    } finally {
      s.close();
    }
  };
}

/**
 * Standard input in chunks until `stop(chunk, total)` says enough or it ends;
 * `tooLarge` (when given) is thrown once more than `limit` bytes came.
 */
async function readStdin(o: { limit: number; stop?: (chunk: Buffer) => boolean; tooLarge?: () => Error }): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of process.stdin) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(String(c));
    chunks.push(b);
    total += b.length;
    if (total > o.limit && o.tooLarge) throw o.tooLarge();
    if (o.stop?.(b) || total > o.limit) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** One line from stdin (a password); never from argv. */
export async function readStdinLine(field = 'password'): Promise<string> {
  const line = (await readStdin({ limit: 4096, stop: (b) => b.includes(10) })).split(/\r?\n/)[0] ?? '';
  if (!line) throw new GpError('INVALID_' + field.toUpperCase(), `${field}: nothing was read from stdin`, { field });
  return line;
}

/** All of stdin (a script), refused above `limit` bytes with `tooLarge`. */
export function readStdinAll(limit: number, tooLarge: () => Error): Promise<string> {
  return readStdin({ limit, tooLarge });
}

export function requireStdinFlag(opts: Record<string, unknown>): void {
  if (!opts.passwordStdin) {
    throw new GpError('PASSWORD_STDIN_REQUIRED', 'the password is read from stdin only: pass --password-stdin and pipe it in', {
      field: 'password',
    });
  }
}

/** `key: value` lines for human output. */
export function kv(rows: Array<[string, unknown]>): string[] {
  return rows
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k.padEnd(14)} ${v === null ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
}
