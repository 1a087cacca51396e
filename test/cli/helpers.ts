import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const bin = join(repoRoot, 'bin', 'gospochta.js');

/** `npm test` builds before vitest; build here too when run alone on a fresh tree. */
export function ensureBuilt(): void {
  if (existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))) return;
  spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', repoRoot], { stdio: 'inherit' });
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

export interface Cli {
  dir: string;
  env: NodeJS.ProcessEnv;
  run(args: string[], stdin?: string, extraEnv?: NodeJS.ProcessEnv): Run;
}

export function makeCli(extraEnv: NodeJS.ProcessEnv = {}): Cli {
  const dir = mkdtempSync(join(tmpdir(), 'gp-cli-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GOSPOCHTA_DATA_DIR: join(dir, 'data'),
    GOSPOCHTA_DOMAINS: 'example.org',
    GOSPOCHTA_OPERATOR: 'Оператор Тестовый',
    LOG_LEVEL: 'silent',
    ...extraEnv,
  };
  return {
    dir,
    env,
    run(args, stdin, more = {}) {
      const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, env: { ...env, ...more }, input: stdin ?? '', encoding: 'utf8' });
      let json: Record<string, unknown> = {};
      if (args.includes('--json') && r.stdout.trim()) json = JSON.parse(r.stdout) as Record<string, unknown>;
      return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
    },
  };
}
