/**
 * `gospochta serve` as a child process, as operators run it: its own data
 * directory, free loopback ports, JSON log lines collected, people provisioned
 * through the identity module on a connection of the test's own (the server
 * sees them like anything the CLI writes).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { openDb, type Db } from '../../src/store/db.js';
import { registerAccount, setDocuments } from '../../src/identity/accounts.js';
import { confirmInPerson } from '../../src/identity/confirm.js';
import { createMailbox } from '../../src/identity/mailboxes.js';
import type { IdentityContext } from '../../src/identity/context.js';

/** The repository root (this module also runs from dist/ when a benchmark uses it). */
export const repo = ((): string => {
  let d = import.meta.dirname;
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
})();
export const PASSWORD = 'Correct-Horse-42';

/**
 * A loopback port nothing listens on, for a server a test starts on a port it
 * must know in advance. It is picked below the kernel's ephemeral range
 * (32768–60999 on Linux), so no socket bound to port 0 anywhere on the machine
 * can take it between this check and the test's own listen, and from a slice
 * of its own for each vitest worker (VITEST_POOL_ID), so two test files run in
 * parallel never pick the same one.
 */
let nextPort = 0;
const SLICE = 1500;
const FIRST = 10_000;
export async function freePort(): Promise<number> {
  const slot = Number(process.env.VITEST_POOL_ID ?? 0) % Math.floor((32_768 - FIRST) / SLICE);
  if (nextPort === 0) nextPort = Math.floor(Math.random() * SLICE);
  for (let tries = 0; tries < SLICE; tries++) {
    const port = FIRST + slot * SLICE + (nextPort++ % SLICE);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free loopback port in ${FIRST + slot * SLICE}..${FIRST + (slot + 1) * SLICE - 1}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

/** `gospochta <args> --json` as an operator runs it (stdin from `input`): the parsed JSON, or an error naming the exit code. */
export interface ServeProcess {
  child: ChildProcess;
  /** Resolves when the server logs "gospochta ready"; rejects if it exits before. */
  ready: Promise<void>;
  /** Its exit code (null after a signal). */
  exited: Promise<number | null>;
  /** Everything it has written to stdout and stderr so far. */
  log(): string;
}

/** `gospochta serve` in a child process (`nodeArgs` before the script); `onOutput` sees the log after each write. */
export function spawnServe(o: { env: NodeJS.ProcessEnv; cwd: string; nodeArgs?: string[]; onOutput?: (log: string) => void }): ServeProcess {
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), join(repo, 'bin/gospochta.js'), 'serve'], { env: o.env, cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const ready = new Promise<void>((res, rej) => {
    const onData = (d: Buffer) => {
      log += d.toString();
      o.onOutput?.(log);
      if (log.includes('gospochta ready')) res();
    };
    child.stderr!.on('data', onData);
    child.stdout!.on('data', onData);
    child.once('exit', (c) => rej(new Error(`server exited with ${c} before it was ready:\n${log}`)));
  });
  ready.catch(() => undefined);
  const exited = new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
  return { child, ready, exited, log: () => log };
}

export async function cliJson(run: { env: NodeJS.ProcessEnv; cwd: string }, args: string[], input?: string): Promise<Record<string, unknown>> {
  const p = execFile(process.execPath, [join(repo, 'bin/gospochta.js'), ...args, '--json'], { env: run.env, cwd: run.cwd });
  if (input !== undefined) p.stdin!.end(input);
  const out: string[] = [];
  p.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
  const code = await new Promise<number>((r) => p.on('close', (c) => r(c ?? -1)));
  const json = JSON.parse(out.join('')) as Record<string, unknown>;
  if (code !== 0) throw new Error(`gospochta ${args.join(' ')} exited ${code}: ${JSON.stringify(json)}`);
  return json;
}

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

export interface ChildServer {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  lines: LogLine[];
  /** Resolves with the first log line matching `pred` (from now on, or already seen). */
  waitFor(pred: (l: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
}

export interface ServerDir {
  dir: string;
  env: NodeJS.ProcessEnv;
  smtpPort: number;
  imapPort: number;
  start(extraEnv?: NodeJS.ProcessEnv): ChildServer;
  provision(local: string): Promise<{ address: string; accountId: number; mailboxId: number }>;
  db(): Db;
  cleanup(): void;
}

/**
 * The environment of a `gospochta serve` child on loopback: the data directory, the
 * served domain, SMTP and IMAP on the given ports, the other listeners off.
 */
export function serverEnv(o: { dataDir: string; smtpPort: number; imapPort: number }): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GOSPOCHTA_DATA_DIR: o.dataDir,
    GOSPOCHTA_DOMAINS: 'example.org',
    GOSPOCHTA_HOSTNAME: 'mail.example.org',
    GOSPOCHTA_BIND: '127.0.0.1',
    GOSPOCHTA_SMTP_PORT: String(o.smtpPort),
    GOSPOCHTA_IMAP_PORT: String(o.imapPort),
    GOSPOCHTA_SUBMISSION_PORT: '0',
    GOSPOCHTA_POP3_PORT: '0',
    GOSPOCHTA_SIEVE_PORT: '0',
    GOSPOCHTA_MX_PORT: '0',
  };
}

/** A new temp dir (`prefix`…) and two free ports, and the serverEnv() of a server keeping its data in `dir/data`, with `extraEnv` over it. */
export async function serveDirAndPorts(prefix: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ dir: string; smtpPort: number; imapPort: number; env: NodeJS.ProcessEnv }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const smtpPort = await freePort();
  const imapPort = await freePort();
  return { dir, smtpPort, imapPort, env: { ...serverEnv({ dataDir: join(dir, 'data'), smtpPort, imapPort }), ...extraEnv } };
}

const SNILS = ['112-233-445 95', '123-456-789 64', '087-654-321 02', '001-326-679 00', '001-508-816 00', '017-996-174 00', '001-437-545 01'];

/** `configYaml` is written as the server's config file (GOSPOCHTA_CONFIG); new-device notices are off unless it says otherwise. */
export async function serverDir(extraEnv: NodeJS.ProcessEnv = {}, configYaml = 'notices:\n  newDevice: false\n'): Promise<ServerDir> {
  const { dir, smtpPort, imapPort, env } = await serveDirAndPorts('gp-child-');
  writeFileSync(join(dir, 'gospochta.yaml'), configYaml);
  Object.assign(env, { GOSPOCHTA_OPERATOR: 'test', GOSPOCHTA_CONFIG: join(dir, 'gospochta.yaml'), LOG_PRETTY: '0' }, extraEnv);
  const cfg = loadConfig({ env: { GOSPOCHTA_DATA_DIR: env.GOSPOCHTA_DATA_DIR!, GOSPOCHTA_DOMAINS: 'example.org' }, cwd: dir });
  let db: Db | undefined;
  const getDb = () => (db ??= openDb(cfg.dataDir));
  let n = 0;
  return {
    dir,
    env,
    smtpPort,
    imapPort,
    db: getDb,
    start(more = {}) {
      const child = spawn(process.execPath, [join(repo, 'bin/gospochta.js'), 'serve'], { env: { ...env, ...more }, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      const lines: LogLine[] = [];
      const watchers = new Set<(l: LogLine) => void>();
      let partial = '';
      const on = (d: Buffer) => {
        partial += d.toString('utf8');
        let i: number;
        while ((i = partial.indexOf('\n')) >= 0) {
          const text = partial.slice(0, i);
          partial = partial.slice(i + 1);
          try {
            const l = JSON.parse(text) as LogLine;
            lines.push(l);
            for (const w of [...watchers]) w(l);
          } catch {
            // Not a log line (a one-line refusal before logging starts): kept as text.
            if (text.trim()) lines.push({ level: 0, msg: text });
          }
        }
      };
      child.stdout!.on('data', on);
      child.stderr!.on('data', on);
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.once('exit', (code, signal) => res({ code, signal })));
      const waitFor = (pred: (l: LogLine) => boolean, timeoutMs = 30_000) =>
        new Promise<LogLine>((res, rej) => {
          const seen = lines.find(pred);
          if (seen) return res(seen);
          const t = setTimeout(() => {
            watchers.delete(w);
            rej(new Error(`no such log line in ${timeoutMs} ms; last: ${JSON.stringify(lines.slice(-5))}`));
          }, timeoutMs);
          const w = (l: LogLine) => {
            if (!pred(l)) return;
            clearTimeout(t);
            watchers.delete(w);
            res(l);
          };
          watchers.add(w);
        });
      const ready = Promise.race([
        waitFor((l) => l.msg === 'gospochta ready', 60_000).then(() => undefined),
        exited.then((e) => {
          throw new Error(`server exited (${e.code ?? e.signal}) before it was ready: ${JSON.stringify(lines.slice(-5))}`);
        }),
      ]);
      ready.catch(() => undefined);
      return { child, ready, exited, lines, waitFor };
    },
    async provision(local) {
      const ctx: IdentityContext = { db: getDb(), cfg, actor: 'operator:test' };
      const a = registerAccount(ctx, { name: 'Иванов Иван Иванович', phone: '+7 912 345-67-89', consent: true });
      setDocuments(ctx, a.id, { snils: SNILS[n++ % SNILS.length]!, passport: '4510 123456', passportIssued: '01.02.2015', passportDivision: '770-001' });
      await confirmInPerson(ctx, a.id, 'Петрова А. А.', 'passport 4510 123456');
      const mb = await createMailbox(ctx, a.id, `${local}@example.org`, PASSWORD);
      return { address: mb.address, accountId: a.id, mailboxId: mb.id };
    },
    cleanup() {
      db?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
