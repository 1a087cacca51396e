/**
 * pino JSON lines. LOG_LEVEL sets the level; a terminal (or LOG_PRETTY=1) gets a
 * short human format instead of JSON. Connections log through `child({ sid })` so
 * every line of one session carries its id.
 */
import pino from 'pino';
import type { Logger, DestinationStream } from 'pino';

export type { Logger };

function prettyDestination(): DestinationStream {
  return {
    write(line: string) {
      try {
        const o = JSON.parse(line) as Record<string, unknown>;
        const { time, level, msg, pid: _p, hostname: _h, ...rest } = o;
        const lvl = pino.levels.labels[Number(level)] ?? String(level);
        const extra = Object.keys(rest).length ? ' ' + JSON.stringify(rest) : '';
        process.stderr.write(`${new Date(Number(time)).toISOString()} ${lvl.toUpperCase().padEnd(5)} ${String(msg ?? '')}${extra}\n`);
      } catch {
        process.stderr.write(line);
      }
    },
  };
}

export function createLogger(opts: { level?: string; pretty?: boolean; destination?: DestinationStream } = {}): Logger {
  const level = opts.level ?? process.env.LOG_LEVEL ?? 'info';
  const pretty = opts.pretty ?? (process.env.LOG_PRETTY === '1' || (process.env.LOG_PRETTY !== '0' && process.stderr.isTTY === true));
  const dest = opts.destination ?? (pretty ? prettyDestination() : pino.destination({ fd: 2, sync: false }));
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.epochTime }, dest);
}

/** A logger that drops everything (CLI commands, tests that do not look at logs). */
export const silentLogger: Logger = pino({ level: 'silent' });
