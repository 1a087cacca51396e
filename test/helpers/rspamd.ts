/**
 * Debian's rspamd, started by a test on loopback ports with a configuration of its
 * own in a temporary directory (the packaged one, with these overrides): the
 * controller (checks and learning) on a free port, the normal worker on another,
 * no proxy, no fuzzy storage, DNS pointed at a closed port (nothing leaves the
 * machine), and a redis-server on a free port as the Bayes store. Compiled
 * hyperscan databases are kept in one directory under the system's temporary
 * directory, so only the first start on a machine compiles them (about a minute).
 * A header rule, GP_TEST_JUNK (X-Test-Verdict: junk, score 8), lets a test make a
 * message junk without relying on the stock rules' scores.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './child-server.js';

export interface TestRspamd {
  /** The controller's URL, for `spam.rspamdUrl`. */
  url: string;
  /** GET /stat on the controller (its JSON). */
  stat(): Promise<{ learned: number; [k: string]: unknown }>;
  close(): Promise<void>;
}

/** Why rspamd cannot be run here, or null when it can. */
export function rspamdMissing(): string | null {
  for (const bin of ['rspamd', 'redis-server']) {
    if (spawnSync(bin, ['--version'], { stdio: 'ignore' }).error) return `${bin} is not installed (apt-get install -y rspamd redis-server)`;
  }
  return null;
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    p.once('exit', () => r());
    p.kill('SIGTERM');
    setTimeout(() => p.kill('SIGKILL'), 5000).unref();
  });
}

export async function startRspamd(): Promise<TestRspamd> {
  const dir = mkdtempSync(join(tmpdir(), 'gp-rspamd-'));
  const hsCache = join(tmpdir(), 'gospochta-rspamd-hs');
  for (const d of ['local.d', 'override.d', 'db', 'run']) mkdirSync(join(dir, d), { recursive: true });
  mkdirSync(hsCache, { recursive: true });
  const [controller, normal, proxy, redisPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const files: Record<string, string> = {
    'override.d/worker-controller.inc': `bind_socket = "127.0.0.1:${controller}";\nsecure_ip = "127.0.0.1";\ncount = 1;\n`,
    'override.d/worker-normal.inc': `bind_socket = "127.0.0.1:${normal}";\ncount = 1;\n`,
    'override.d/worker-proxy.inc': `bind_socket = "127.0.0.1:${proxy}";\nenabled = false;\ncount = 0;\n`,
    'override.d/logging.inc': 'type = "console";\nlevel = "error";\n',
    'local.d/options.inc': `dns { nameserver = ["127.0.0.1:1"]; timeout = 0.5s; retransmits = 1; }\nhs_cache_dir = "${hsCache}/";\n`,
    'local.d/fuzzy_check.conf': 'enabled = false;\n',
    'local.d/redis.conf': `servers = "127.0.0.1:${redisPort}";\n`,
    'local.d/classifier-bayes.conf': `backend = "redis";\nservers = "127.0.0.1:${redisPort}";\nmin_learns = 1;\n`,
    'local.d/multimap.conf': 'GP_TEST_JUNK {\n  type = "header";\n  header = "X-Test-Verdict";\n  map = ["junk"];\n  score = 8.0;\n  description = "the test marks this message junk";\n}\n',
  };
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const rspamd = spawn(
    'rspamd',
    // As root, rspamd wants to be told whom its workers run as.
    ['-f', ...(process.getuid?.() === 0 ? ['-u', 'root', '-g', 'root'] : []), '-c', '/etc/rspamd/rspamd.conf', `--var=LOCAL_CONFDIR=${dir}`, `--var=DBDIR=${join(dir, 'db')}`, `--var=RUNDIR=${join(dir, 'run')}`, `--var=LOGDIR=${dir}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  rspamd.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${controller}`;
  const close = async () => {
    await stop(rspamd);
    await stop(redis);
  };
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (rspamd.exitCode !== null) {
      await close();
      throw new Error(`rspamd exited (${rspamd.exitCode}): ${stderr}`);
    }
    const up = await get(`${url}/ping`).then((r) => r.status === 200, () => false);
    if (up) break;
    if (Date.now() > deadline) {
      await close();
      throw new Error(`rspamd did not answer on ${url} within 4 minutes: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    url,
    stat: async () => JSON.parse((await get(`${url}/stat`)).body) as { learned: number },
    close,
  };
}
