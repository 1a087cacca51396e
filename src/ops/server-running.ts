/**
 * Is a gospochta server using this data directory right now? Two independent
 * signs, either one is enough:
 *  - `<dataDir>/server.pid` (written by the server on start, removed on exit) names
 *    a live process that is a node/gospochta process and not this one;
 *  - something accepts TCP connections on the configured SMTP or IMAP port.
 * Used by `gospochta restore`, which must never swap the database under a server.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import type { Config } from '../config/schema.js';

export const PID_FILE = 'server.pid';

export function pidFilePath(dataDir: string): string {
  return join(dataDir, PID_FILE);
}

export interface RunningSign {
  kind: 'pid' | 'port';
  detail: string;
}

/** The pid the pid file names (its first decimal number), or null. */
export function readPidFile(dataDir: string): number | null {
  const p = pidFilePath(dataDir);
  if (!existsSync(p)) return null;
  const m = /\d+/.exec(readFileSync(p, 'utf8'));
  const pid = m ? Number(m[0]) : NaN;
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/** Whether `pid` is a live process that could be the server. */
export function isLiveServerPid(pid: number): boolean {
  // A stale file from another container/boot may name the process we are.
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false; // ESRCH: gone
  }
  // On Linux, a reused pid that belongs to something else (a shell, an init) is not the server.
  const cmdline = `/proc/${pid}/cmdline`;
  if (existsSync('/proc/self/cmdline')) {
    try {
      const cmd = readFileSync(cmdline, 'utf8').replace(/\0/g, ' ');
      return /node|gospochta/i.test(cmd);
    } catch {
      return existsSync(`/proc/${pid}`);
    }
  }
  return true;
}

/** Resolves true when a TCP connection to host:port is accepted within timeoutMs. */
export function portAnswers(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (v: boolean) => {
      s.removeAllListeners();
      s.on('error', () => {});
      s.destroy();
      resolve(v);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** The address a local client uses to reach the listeners. */
export function localHost(bind: string): string {
  return bind === '0.0.0.0' || bind === '::' || bind === '' ? '127.0.0.1' : bind;
}

export async function detectRunningServer(cfg: Pick<Config, 'dataDir' | 'bind' | 'smtp' | 'imap'>): Promise<RunningSign[]> {
  const signs: RunningSign[] = [];
  const pid = readPidFile(cfg.dataDir);
  if (pid !== null && isLiveServerPid(pid)) signs.push({ kind: 'pid', detail: `${pidFilePath(cfg.dataDir)} names live process ${pid}` });
  const host = localHost(cfg.bind);
  const ports = [
    ['SMTP', cfg.smtp.port],
    ['IMAP', cfg.imap.port],
  ] as const;
  const answers = await Promise.all(ports.map(([, port]) => (port > 0 ? portAnswers(host, port) : Promise.resolve(false))));
  ports.forEach(([name, port], i) => {
    if (answers[i]) signs.push({ kind: 'port', detail: `something answers on the ${name} port ${host}:${port}` });
  });
  return signs;
}
