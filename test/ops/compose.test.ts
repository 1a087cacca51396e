/**
 * The container files stay valid and in step with the bare-metal install:
 *  - docker/docker-compose.yml parses and has the service, volume, ports,
 *    environment, restart policy and exec example the README relies on
 *    (and `docker compose config` / `docker-compose config` accepts it where
 *    one of them is installed);
 *  - the npm commands of docker/Dockerfile's build stage are exactly the ones
 *    README.md gives for a bare-metal install;
 *  - the image runs as a non-root user with the data volume, ports and health check.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { z } from 'zod';
import { configSchema } from '../../src/config/schema.js';

const repo = resolve(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(join(repo, p), 'utf8');

const portMapping = z.string().regex(/^(\d+:)?\d+(\/tcp)?$/);
const service = z.object({
  build: z.object({ context: z.string(), dockerfile: z.string() }).strict().optional(),
  image: z.string().min(1),
  restart: z.enum(['always', 'unless-stopped', 'on-failure']).optional(),
  stop_grace_period: z.string().regex(/^\d+s$/).optional(),
  ports: z.array(portMapping).optional(),
  sysctls: z.record(z.union([z.string(), z.number()])).optional(),
  environment: z.record(z.string()).optional(),
  volumes: z.array(z.string().regex(/^[^:]+:\/[^:]*(:ro|:rw)?$/)),
  profiles: z.array(z.string()).optional(),
  depends_on: z.array(z.string()).optional(),
  command: z.union([z.string(), z.array(z.string())]).optional(),
  healthcheck: z.object({ disable: z.boolean() }).optional(),
}).strict();
const composeSchema = z.object({
  services: z.object({ gospochta: service }).catchall(service),
  volumes: z.record(z.null()),
}).strict();

type Compose = z.infer<typeof composeSchema>;

/** Dockerfile instructions with line continuations joined, by stage. */
function dockerfile(): { stages: { from: string; name?: string; instr: [string, string][] }[] } {
  const text = read('docker/Dockerfile').replace(/\\\n/g, ' ');
  const stages: { from: string; name?: string; instr: [string, string][] }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, op, rest] = m as unknown as [string, string, string];
    if (op.toUpperCase() === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(rest)!;
      stages.push({ from: f[1]!, name: f[2], instr: [] });
    } else stages.at(-1)!.instr.push([op.toUpperCase(), rest.replace(/\s+/g, ' ').trim()]);
  }
  return { stages };
}

/** npm commands of a shell line: split on && ; and newlines, keep the npm ones. */
function npmCommands(shell: string): string[] {
  return shell
    .split(/&&|;|\n/)
    .map((s) => s.replace(/#.*$/, '').trim())
    .filter((s) => /^npm\s/.test(s))
    .map((s) => s.replace(/\s+/g, ' '));
}

/** The commands of the README block marked as the bare-metal build. */
function readmeBuildCommands(): string[] {
  const readme = read('README.md');
  const marker = '<!-- bare-metal-build -->';
  const at = readme.indexOf(marker);
  expect(at, 'README.md has the bare-metal-build marker').toBeGreaterThanOrEqual(0);
  const block = /```(?:sh|bash|shell)?\n([\s\S]*?)```/.exec(readme.slice(at))!;
  return npmCommands(block[1]!);
}

describe('docker/docker-compose.yml', () => {
  const compose: Compose = composeSchema.parse(parse(read('docker/docker-compose.yml')));
  const app = compose.services.gospochta;

  it('builds the image from docker/Dockerfile with the repository as context', () => {
    expect(app.build).toBeDefined();
    const ctx = resolve(repo, 'docker', app.build!.context);
    expect(ctx).toBe(repo);
    expect(existsSync(join(ctx, app.build!.dockerfile))).toBe(true);
    expect(app.restart).toBe('unless-stopped');
  });

  it('publishes 465, 587, 993, 995 and 25 and lets the unprivileged user bind them', () => {
    const defaults = configSchema.parse({});
    const targets = app.ports!.map((p) => Number(p.split(':').at(-1)!.replace('/tcp', '')));
    expect(targets.sort()).toEqual([defaults.smtp.port, defaults.imap.port, defaults.submission.port, defaults.mx.port, defaults.pop3.port].sort());
    expect(Number(app.sysctls!['net.ipv4.ip_unprivileged_port_start'])).toBe(0);
  });

  it('keeps the data in a named volume at /data and the certificates read-only', () => {
    expect(app.volumes).toContain('gospochta-data:/data');
    expect(compose.volumes).toHaveProperty('gospochta-data');
    expect(app.volumes.some((v) => /:\/certs:ro$/.test(v))).toBe(true);
  });

  it('passes the domain, hostname and certificate paths through the environment', () => {
    for (const k of ['GOSPOCHTA_DOMAINS', 'GOSPOCHTA_HOSTNAME', 'GOSPOCHTA_TLS_CERT', 'GOSPOCHTA_TLS_KEY']) expect(app.environment).toHaveProperty(k);
    const env = read('docker/.env.example');
    expect(env).toMatch(/^GOSPOCHTA_TLS_CERT=\/certs\//m);
    expect(env).toMatch(/^GOSPOCHTA_TLS_KEY=\/certs\//m);
  });

  it('shows how to run a CLI command in the container, and a backup sidecar', () => {
    expect(read('docker/docker-compose.yml')).toContain('docker compose exec gospochta gospochta account list');
    const b = compose.services.backup!;
    expect(b.profiles).toEqual(['backup']);
    expect(b.volumes).toContain('gospochta-data:/data');
    expect(JSON.stringify(b.command)).toContain('gospochta backup /backups/');
  });

  it('is accepted by docker compose where it is installed', () => {
    const tries: [string, string[]][] = [
      ['docker', ['compose', 'version']],
      ['docker-compose', ['version']],
    ];
    let ran = 0;
    for (const [cmd, args] of tries) {
      const v = spawnSync(cmd, args, { encoding: 'utf8' });
      if (v.status !== 0) continue;
      const configArgs = cmd === 'docker' ? ['compose', '-f', 'docker-compose.yml', 'config', '-q'] : ['-f', 'docker-compose.yml', 'config', '-q'];
      const r = spawnSync(cmd, configArgs, { cwd: join(repo, 'docker'), encoding: 'utf8', env: { ...process.env, GOSPOCHTA_DOMAINS: 'example.org' } });
      expect(r.status, `${cmd} ${configArgs.join(' ')}: ${r.stderr}`).toBe(0);
      ran++;
    }
    if (!ran) console.warn('neither `docker compose` nor `docker-compose` is installed: only the schema check ran');
  });
});

describe('docker/Dockerfile', () => {
  const { stages } = dockerfile();
  const [build, run] = stages;

  it('builds on node:20-bookworm and runs on node:20-bookworm-slim', () => {
    expect(stages).toHaveLength(2);
    expect(build!.from).toBe('node:20-bookworm');
    expect(run!.from).toBe('node:20-bookworm-slim');
  });

  it('runs the same build commands as the bare-metal install in README.md', () => {
    const docker = build!.instr.filter(([op]) => op === 'RUN').flatMap(([, cmd]) => npmCommands(cmd));
    const readme = readmeBuildCommands();
    expect(docker).toEqual(['npm ci', 'npm prune --omit=dev']);
    expect(readme).toEqual(docker);
    // And `npm ci` builds: package.json's prepare script compiles with tsc.
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepare).toMatch(/^tsc\b/);
    // No npm in the run stage: it copies the built tree.
    expect(run!.instr.filter(([op, cmd]) => op === 'RUN' && /\bnpm\b/.test(cmd))).toEqual([]);
  });

  it('runs as user node with /data, ports 465, 587, 993, 995 and 25 and a health check', () => {
    const get = (op: string) => run!.instr.filter(([o]) => o === op).map(([, v]) => v);
    expect(get('USER')).toEqual(['node']);
    expect(get('ENV').join(' ')).toMatch(/GOSPOCHTA_DATA_DIR=\/data/);
    expect(get('VOLUME').join(' ')).toMatch(/\/data/);
    expect(get('EXPOSE').join(' ').split(/\s+/).sort()).toEqual(['25', '465', '587', '993', '995']);
    expect(get('HEALTHCHECK')[0]).toMatch(/CMD \["node", "\/app\/bin\/gospochta\.js", "health"\]/);
    expect(get('CMD')).toEqual(['["serve"]']);
    // The instructions come after USER node in the file only where they must run as it.
    const order = run!.instr.map(([o]) => o);
    expect(order.indexOf('USER')).toBeGreaterThan(order.lastIndexOf('RUN'));
  });

  it('has an entry point that is a valid, executable POSIX shell script', () => {
    const ep = join(repo, 'docker/entrypoint.sh');
    expect(statSync(ep).mode & 0o111).not.toBe(0);
    expect(readFileSync(ep, 'utf8').startsWith('#!/bin/sh\n')).toBe(true);
    const r = spawnSync('sh', ['-n', ep], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it('the entry point runs gospochta commands, other programs, and checks the data directory before serving', () => {
    const ep = join(repo, 'docker/entrypoint.sh');
    const env = { ...process.env, GOSPOCHTA_APP: repo, GOSPOCHTA_DATA_DIR: join(repo, 'no-such-dir-for-the-entrypoint-test') };
    const pkg = JSON.parse(read('package.json')) as { version: string };
    if (existsSync(join(repo, 'dist/src/cli/main.js'))) {
      const v = spawnSync('sh', [ep, '--version'], { env, encoding: 'utf8' });
      expect(v.stdout.trim()).toBe(pkg.version);
      const g = spawnSync('sh', [ep, 'gospochta', '--version'], { env, encoding: 'utf8' });
      expect(g.stdout.trim()).toBe(pkg.version);
    }
    const other = spawnSync('sh', [ep, 'sh', '-c', 'echo from-sh'], { env, encoding: 'utf8' });
    expect(other.stdout).toBe('from-sh\n');
    const serve = spawnSync('sh', [ep], { env, encoding: 'utf8' });
    expect(serve.status).toBe(1);
    expect(serve.stderr).toMatch(/the data directory .* is not writable/);
  });

  it('keeps local state out of the build context', () => {
    const ignore = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const p of ['.git', 'node_modules', 'dist', 'data']) expect(ignore).toContain(p);
  });
});
