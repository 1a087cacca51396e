/**
 * `gospochta serve` with worker processes, for the tests under test/cluster/:
 * the build checked, a data directory with the test's people provisioned before
 * the start, the server ready; stopped with SIGTERM and its directory removed.
 */
import { beforeAll, afterAll } from 'vitest';
import { serverDir, type ServerDir, type ChildServer } from './child-server.js';
import type { TranscriptClient } from './imap.js';
import { ensureBuilt } from '../cli/helpers.js';

export interface ServeCluster {
  d: ServerDir;
  s: ChildServer;
}

/** Starts a server with `env` (GOSPOCHTA_WORKERS and the like) once `provision` has run on its directory. */
export async function startCluster(env: Record<string, string>, provision: (d: ServerDir) => Promise<void>): Promise<ServeCluster> {
  ensureBuilt();
  const d = await serverDir(env);
  await provision(d);
  const s = d.start();
  await s.ready;
  return { d, s };
}

/**
 * A cluster for the whole file: started in beforeAll (env made then, so it can hold
 * ports found free at that time) and stopped in afterAll; its fields are set when a
 * test runs.
 */
export function useCluster(env: () => Record<string, string> | Promise<Record<string, string>>, provision: (d: ServerDir) => Promise<void>): ServeCluster {
  let c: Partial<ServeCluster> = {};
  beforeAll(async () => {
    c = await startCluster(await env(), provision);
  }, 90_000);
  afterAll(() => stopCluster(c));
  const need = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('no cluster (outside a test)');
    return v;
  };
  return {
    get d() {
      return need(c.d);
    },
    get s() {
      return need(c.s);
    },
  };
}

/** SIGTERM to a server still running, then its directory removed. */
export async function stopCluster(c: Partial<ServeCluster>): Promise<void> {
  const { d, s } = c;
  if (s && s.child.exitCode === null && s.child.signalCode === null) {
    s.child.kill('SIGTERM');
    await s.exited;
  }
  d?.cleanup();
}

/** Read lines until one matches; throws after 10 s. */
export async function lineMatching(c: TranscriptClient, re: RegExp): Promise<string> {
  const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`no line matching ${re} in 10 s`)), 10_000));
  for (;;) {
    const l = await Promise.race([c.line(), timeout]);
    if (re.test(l)) return l;
  }
}
