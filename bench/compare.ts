/**
 * `npm run bench:compare`: the same workloads against gospochta as it runs in
 * production (`gospochta serve` as a child process, fresh data directory, with
 * one process, `workers: 1`, and with one worker per core) and, where they are
 * installed, against Dovecot and Postfix (private instances on loopback
 * ports, fresh maildirs: bench/reference/), alternating, ROUNDS rounds; each
 * figure per round, its median and the ratio gospochta/reference. Without
 * Dovecot, Postfix or imaptest it prints what it can measure and one line
 * saying what was missing. A benchmark, not a test: nothing here is asserted.
 *
 * Every server gets users user1..user20@example.test with one password, and
 * each round, in this order:
 *
 *   imaptest  Dovecot's stress tester ($IMAPTEST or on PATH): TLS, 10 clients,
 *             10 users, logout=0, IMAPTEST_SECS s, APPENDs from a 500-message
 *             mbox ($MBOX, else bench/mbox.ts writes one): the FETCH count of
 *             its totals (Fetc; Fet2 too), and whether it printed `Error:`.
 *   SMTP      20 sessions over implicit TLS (465-style), AUTH, COUNT_10K × 10 KB
 *             then COUNT_1M × 1 MB: messages/s as the clients see the 250s.
 *             gospochta answers 250 after the COMMIT of the stored message
 *             (synchronous=FULL); Postfix after fsyncing its queue file, so its
 *             rate into the maildirs (virtual(8), fsync per file) is printed
 *             too, timed until the last message is there.
 *   IMAP      this script's own loop, 10 clients, SECS s: FETCH (FLAGS ENVELOPE
 *             RFC822.SIZE BODY.PEEK[HEADER]) of 10 messages, every 10th command
 *             a whole message: FETCH commands/s; halfway through it, the memory
 *             of the server's process tree (RSS summed, and PSS summed: shared
 *             pages once).
 *
 * Before its timed runs each server gets the same load untimed (warmSecs of
 * imaptest, 500 SMTP messages of 10 KB), as a server that has run a while has had.
 *
 *   [IMAPTEST=path] [MBOX=file] [DOVECOT=path] [POSTFIX=path] \
 *     node dist/bench/compare.js [rounds=3] [count10k=3000] [count1m=200] [secs=10] [imaptestSecs=30] [warmSecs=10]
 */
import tls from 'node:tls';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync, existsSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, serverDir } from '../test/helpers/child-server.js';
import { PASSWORD, runClients } from './smtp-clients.js';
import { createMailbox } from '../src/identity/mailboxes.js';
import { loadConfig } from '../src/config/load.js';
import { confirmedAccount } from './people.js';
import { findImaptest, runImaptest } from './imaptest.js';
import { writeMbox } from './mbox.js';
import { findProgram, processTree, pssMb, rssMb, selfSignedCert } from './reference/system.js';
import { startDovecot, type Dovecot } from './reference/dovecot.js';
import { startPostfix, type Postfix } from './reference/postfix.js';

const ROUNDS = Number(process.argv[2] ?? 3);
const COUNT_10K = Number(process.argv[3] ?? 3000);
const COUNT_1M = Number(process.argv[4] ?? 200);
const SECS = Number(process.argv[5] ?? 10);
const IMAPTEST_SECS = Number(process.argv[6] ?? 30);
/** Seconds of the same imaptest load before the timed run (and WARM_SMTP messages before the SMTP runs), not counted; 0: none. */
const WARM_SECS = Number(process.argv[7] ?? 10);
const WARM_SMTP = 500;
const SESSIONS = 20;
const IMAP_CLIENTS = 10;
const IMAPTEST_USERS = 10;
const CORES = availableParallelism();
const DOMAIN = 'example.test';
const USERS = Array.from({ length: SESSIONS }, (_, i) => `user${i + 1}@${DOMAIN}`);

interface Figures {
  imaptestFetch?: number;
  imaptestFet2?: number;
  imaptestErrors?: string[];
  smtp10k: number;
  smtp1m: number;
  /** Postfix only: into the maildirs. */
  delivered10k?: number;
  delivered1m?: number;
  imapFetch: number;
  rssMb: number;
  pssMb: number;
}

/** What a workload needs of a running server. */
interface Running {
  smtpPort: number | null;
  imapPort: number;
  pids(): number[];
  /** For a server that answers 250 before the maildir copy: the messages in its maildirs, and when they reach `n`. */
  delivery?: { count(): number; waitFor(n: number): Promise<number> };
}

interface Target {
  name: string;
  start(): Promise<{ running: Running; stop(): Promise<void> }>;
}

/** A minimal pipelined-by-one IMAP client: one command at a time, counts tagged replies. */
async function imapLoad(port: number, users: string[], secs: number): Promise<number> {
  let done = 0;
  const until = Date.now() + secs * 1000;
  await Promise.all(
    Array.from({ length: IMAP_CLIENTS }, async (_, i) => {
      const sock = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
      sock.setNoDelay(true);
      let buf = '';
      let wake: (() => void) | null = null;
      sock.setEncoding('latin1');
      sock.on('data', (d: string) => {
        buf += d;
        wake?.();
      });
      const wait = async (tag: string) => {
        for (;;) {
          const at = buf.indexOf(`\r\n${tag} `);
          const first = buf.startsWith(`${tag} `) ? 0 : -1;
          const pos = first === 0 ? 0 : at >= 0 ? at + 2 : -1;
          if (pos >= 0) {
            const end = buf.indexOf('\r\n', pos);
            if (end >= 0) {
              const all = buf.slice(0, end);
              buf = buf.slice(end + 2);
              return all;
            }
          }
          await new Promise<void>((r) => (wake = r));
        }
      };
      await new Promise<void>((r) => sock.once('secureConnect', () => r()));
      await new Promise<void>((r) => {
        const check = () => (buf.includes('\r\n') ? r() : setTimeout(check, 5));
        check();
      });
      buf = '';
      let n = 0;
      const cmd = async (text: string) => {
        const tag = `t${++n}`;
        sock.write(`${tag} ${text}\r\n`);
        return wait(tag);
      };
      const user = users[i % users.length]!;
      await cmd(`LOGIN ${user} ${PASSWORD}`);
      let sel = await cmd('SELECT INBOX');
      if (!/t\d+ OK/.test(sel)) throw new Error(`SELECT: ${sel.slice(-200)}`);
      let exists = Number(/\* (\d+) EXISTS/.exec(sel)?.[1] ?? 0);
      if (exists < 10) {
        // Too few messages (no SMTP run against this server): ten of its own, appended before the clock starts.
        for (let k = exists; k < 10; k++) {
          const msg = `From: <${user}>\r\nTo: <${user}>\r\nSubject: fetch loop ${k}\r\n\r\n${'x'.repeat(76)}\r\n`;
          const tag = `t${++n}`;
          sock.write(`${tag} APPEND INBOX {${msg.length}}\r\n`);
          for (;;) {
            if (/(^|\r\n)\+/.test(buf)) break;
            await new Promise<void>((r) => (wake = r));
          }
          buf = '';
          sock.write(`${msg}\r\n`);
          const ok = await wait(tag);
          if (!new RegExp(`${tag} OK`).test(ok)) throw new Error(`APPEND: ${ok.slice(-200)}`);
        }
        sel = await cmd('SELECT INBOX');
        exists = Number(/\* (\d+) EXISTS/.exec(sel)?.[1] ?? 0);
      }
      while (Date.now() < until) {
        const a = 1 + Math.floor(Math.random() * (exists - 9));
        const r = n % 10 === 0 ? await cmd(`FETCH ${a} BODY.PEEK[]`) : await cmd(`FETCH ${a}:${a + 9} (FLAGS ENVELOPE RFC822.SIZE BODY.PEEK[HEADER])`);
        if (!/\r?\nt\d+ OK|^t\d+ OK/.test(r)) throw new Error(`FETCH: ${r.slice(-200)}`);
        done++;
      }
      await cmd('LOGOUT').catch(() => undefined);
      sock.destroy();
    }),
  );
  return done;
}

interface Tools {
  imaptest: string | null;
  mbox: string | null;
  dovecot: string | null;
  postfix: string | null;
}

async function workload(r: Running, tools: Tools): Promise<Figures> {
  const f: Partial<Figures> = {};
  if (tools.imaptest && tools.mbox) {
    const profile = {
      binary: tools.imaptest, port: r.imapPort, userPattern: `user%d@${DOMAIN}`, password: PASSWORD,
      users: IMAPTEST_USERS, clients: IMAP_CLIENTS, mbox: tools.mbox,
    };
    // The same load first, not counted: a server that has run a while (compiled code, warm caches) is what is compared.
    if (WARM_SECS > 0) await runImaptest({ ...profile, secs: WARM_SECS });
    const it = await runImaptest({ ...profile, secs: IMAPTEST_SECS });
    f.imaptestFetch = it.totals.Fetc ?? NaN;
    f.imaptestFet2 = it.totals.Fet2 ?? NaN;
    f.imaptestErrors = it.errors;
  }
  if (r.smtpPort !== null) {
    if (WARM_SECS > 0) {
      const before = r.delivery?.count() ?? 0;
      await runClients({ port: r.smtpPort, users: USERS, size: 10_000, count: WARM_SMTP });
      // Postfix's copies into the maildirs finish before the timed runs start.
      await r.delivery?.waitFor(before + WARM_SMTP + SESSIONS);
    }
    for (const [key, dkey, size, count] of [['smtp10k', 'delivered10k', 10_000, COUNT_10K], ['smtp1m', 'delivered1m', 1_000_000, COUNT_1M]] as const) {
      const before = r.delivery?.count() ?? 0;
      const t0 = performance.now();
      const lat = await runClients({ port: r.smtpPort, users: USERS, size, count });
      f[key] = lat.length / ((performance.now() - t0) / 1000);
      // The warm-up sends one message per session besides `count`.
      if (r.delivery) f[dkey] = lat.length / (((await r.delivery.waitFor(before + count + SESSIONS)) - t0) / 1000);
    }
  } else {
    f.smtp10k = NaN;
    f.smtp1m = NaN;
  }
  // Memory is sampled halfway through the loop, its 10 clients logged in (Dovecot's imap
  // processes exist only while they are).
  const sample = new Promise<void>((res) =>
    setTimeout(() => {
      const pids = r.pids();
      f.rssMb = rssMb(pids);
      f.pssMb = pssMb(pids);
      res();
    }, (SECS * 1000) / 2),
  );
  f.imapFetch = (await imapLoad(r.imapPort, USERS, SECS)) / SECS;
  await sample;
  return f as Figures;
}

function gospochtaTarget(workers: number): Target {
  return {
    name: `gospochta workers=${workers}`,
    async start() {
      const d = await serverDir(
        { GOSPOCHTA_DOMAINS: DOMAIN, GOSPOCHTA_HOSTNAME: `mail.${DOMAIN}` },
        `notices:\n  newDevice: false\nlimits:\n  dailyRecipients: 10000000\nauth:\n  failureDelayMs: 0\n`,
      );
      const cfg = loadConfig({ env: { GOSPOCHTA_DATA_DIR: d.env.GOSPOCHTA_DATA_DIR!, GOSPOCHTA_DOMAINS: DOMAIN }, cwd: d.dir });
      const ctx = { db: d.db(), cfg, actor: 'operator:bench' };
      const accountId = await confirmedAccount(ctx);
      for (const u of USERS) await createMailbox(ctx, accountId, u, PASSWORD);
      const s = d.start({ GOSPOCHTA_WORKERS: String(workers), LOG_LEVEL: 'info' });
      try {
        await s.ready;
      } catch (e) {
        d.cleanup();
        throw e;
      }
      return {
        running: { smtpPort: d.smtpPort, imapPort: d.imapPort, pids: () => processTree(s.child.pid!) },
        async stop() {
          s.child.kill('SIGTERM');
          await s.exited;
          d.cleanup();
        },
      };
    },
  };
}

function referenceTarget(tools: Tools, cert: { cert: string; key: string }): Target {
  const name = tools.postfix ? 'Dovecot + Postfix' : 'Dovecot';
  return {
    name,
    async start() {
      const root = mkdtempSync(join(tmpdir(), 'gp-ref-'));
      chmodSync(root, 0o755);
      let dovecot: Dovecot | undefined;
      let postfix: Postfix | undefined;
      const stop = async () => {
        await postfix?.stop();
        await dovecot?.stop();
        rmSync(root, { recursive: true, force: true });
      };
      try {
        dovecot = await startDovecot({ binary: tools.dovecot!, root, cert, port: await freePort(), users: USERS, password: PASSWORD });
        if (tools.postfix) {
          postfix = await startPostfix({ binary: tools.postfix, root, cert, port: await freePort(), users: USERS, authSocket: dovecot.authSocket, mailRoot: dovecot.mailRoot });
        }
      } catch (e) {
        await stop().catch(() => undefined);
        throw e;
      }
      const p = postfix;
      return {
        running: {
          smtpPort: p?.port ?? null,
          imapPort: dovecot.port,
          pids: () => [...processTree(dovecot.pid), ...(p ? processTree(p.pid) : [])],
          delivery: p ? { count: () => p.delivered(), waitFor: (n) => p.waitDelivered(n) } : undefined,
        },
        stop,
      };
    },
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function version(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')[0]!;
  } catch {
    return '?';
  }
}

async function main(): Promise<void> {
  const tools: Tools = {
    imaptest: findImaptest(),
    mbox: process.env.MBOX ?? null,
    dovecot: findProgram('dovecot', 'DOVECOT'),
    postfix: findProgram('postfix', 'POSTFIX'),
  };
  const openssl = findProgram('openssl');
  const missing: string[] = [];
  if (!tools.imaptest) missing.push('imaptest (set IMAPTEST=path or put it on PATH)');
  if (!tools.dovecot) missing.push('dovecot (apt-get install dovecot-imapd)');
  if (!tools.postfix) missing.push('postfix (apt-get install postfix)');
  if (!openssl && (tools.dovecot || tools.postfix)) missing.push('openssl (for the reference servers\' certificate)');
  if (!tools.dovecot || !openssl) tools.postfix = null; // Postfix authenticates through Dovecot's socket
  const haveReference = !!tools.dovecot && !!openssl;

  const scratch = mkdtempSync(join(tmpdir(), 'gp-compare-'));
  chmodSync(scratch, 0o755);
  const cleanups: Array<() => Promise<void>> = [async () => rmSync(scratch, { recursive: true, force: true })];
  const onSignal = () => {
    void Promise.allSettled([...cleanups].reverse().map((c) => c())).then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  if (tools.imaptest && !tools.mbox) {
    tools.mbox = join(scratch, 'imaptest.mbox');
    writeMbox(tools.mbox, 500);
  }
  if (tools.mbox && !existsSync(tools.mbox)) throw new Error(`MBOX=${tools.mbox}: no such file`);

  const targets: Target[] = [...new Set([1, CORES])].map(gospochtaTarget);
  if (haveReference) targets.push(referenceTarget(tools, await selfSignedCert(scratch)));
  const ref = haveReference ? targets[targets.length - 1]!.name : null;

  console.log(`bench:compare — Node ${process.version}, ${CORES} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${ROUNDS} rounds alternating`);
  console.log(`  imaptest: ${tools.imaptest ? `${tools.imaptest}, ${IMAP_CLIENTS} clients, ${IMAPTEST_USERS} users, logout=0, ${IMAPTEST_SECS} s, mbox ${tools.mbox}` : 'not run'}`);
  console.log(`  SMTP: ${SESSIONS} TLS sessions, ${COUNT_10K} × 10 KB, ${COUNT_1M} × 1 MB;  own IMAP loop: ${IMAP_CLIENTS} clients × ${SECS} s`);
  if (tools.dovecot) console.log(`  reference IMAP: ${version(tools.dovecot, ['--version'])} (Dovecot, maildir, mail_fsync=optimized)`);
  if (tools.postfix) console.log(`  reference SMTP: Postfix ${version(join(dirname(tools.postfix), 'postconf'), ['-dh', 'mail_version'])} (smtpd_tls_wrappermode=yes, SASL via Dovecot, virtual(8) to maildir)`);
  if (missing.length) console.log(`  missing: ${missing.join('; ')}${haveReference ? '' : ' — gospochta\'s figures alone'}`);

  const results = new Map<string, Figures[]>(targets.map((t) => [t.name, []]));
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        const s = await t.start();
        cleanups.push(s.stop);
        let f: Figures;
        try {
          f = await workload(s.running, tools);
        } finally {
          cleanups.splice(cleanups.indexOf(s.stop), 1);
          await s.stop();
        }
        results.get(t.name)!.push(f);
        const it = f.imaptestFetch !== undefined ? `imaptest Fetc ${f.imaptestFetch} Fet2 ${f.imaptestFet2} (${f.imaptestErrors!.length ? `${f.imaptestErrors!.length} Error: lines` : 'no Error: line'})  ` : '';
        const dl = f.delivered10k !== undefined ? ` (to maildir ${f.delivered10k.toFixed(0)} / ${f.delivered1m!.toFixed(1)})` : '';
        console.log(
          `round ${r + 1}  ${t.name.padEnd(20)} ${it}${Number.isNaN(f.smtp10k) ? '' : `SMTP 10 KB ${f.smtp10k.toFixed(0)} msg/s  SMTP 1 MB ${f.smtp1m.toFixed(1)} msg/s${dl}  `}own IMAP FETCH ${f.imapFetch.toFixed(0)} cmd/s  RSS ${f.rssMb.toFixed(0)} MB PSS ${f.pssMb.toFixed(0)} MB  [load ${loadavg()[0]!.toFixed(2)}]`,
        );
        for (const e of [...new Set(f.imaptestErrors ?? [])].slice(0, 5)) console.log(`    ${e.slice(0, 300)}`);
      }
    }
  } finally {
    for (const c of [...cleanups].reverse()) await c().catch(() => undefined);
  }

  // The headline table: each figure per round, the median, the ratio to the reference (or to workers=1).
  const base = ref ?? targets[0]!.name;
  const rows: Array<{ title: string; key: keyof Figures; digits: number }> = [
    ...(tools.imaptest ? [{ title: `imaptest FETCH commands in ${IMAPTEST_SECS} s (Fetc)`, key: 'imaptestFetch' as const, digits: 0 }] : []),
    ...(tools.imaptest ? [{ title: `imaptest Fet2 in ${IMAPTEST_SECS} s`, key: 'imaptestFet2' as const, digits: 0 }] : []),
    { title: 'SMTP 10 KB, msg/s (250s)', key: 'smtp10k', digits: 0 },
    { title: 'SMTP 1 MB, msg/s (250s)', key: 'smtp1m', digits: 1 },
    ...(tools.postfix ? [{ title: 'SMTP 10 KB, msg/s into maildir', key: 'delivered10k' as const, digits: 0 }] : []),
    ...(tools.postfix ? [{ title: 'SMTP 1 MB, msg/s into maildir', key: 'delivered1m' as const, digits: 1 }] : []),
    { title: `own IMAP FETCH loop, cmd/s`, key: 'imapFetch', digits: 0 },
    { title: 'memory during the own IMAP loop: RSS summed over the server\'s processes, MB', key: 'rssMb', digits: 0 },
    { title: 'memory during the own IMAP loop: PSS summed (shared pages once), MB', key: 'pssMb', digits: 0 },
  ];
  const num = (v: unknown) => (typeof v === 'number' ? v : NaN);
  console.log(`\nper round, median, and ratio to ${base}`);
  for (const row of rows) {
    console.log(`\n${row.title}`);
    const baseMedian = median(results.get(base)!.map((f) => num(f[row.key])));
    for (const t of targets) {
      const xs = results.get(t.name)!.map((f) => num(f[row.key]));
      if (xs.every((x) => Number.isNaN(x))) continue;
      const m = median(xs);
      const ratio = t.name === base ? '' : Number.isFinite(baseMedian) && Number.isFinite(m) ? `  ${(m / baseMedian).toFixed(2)}×` : '  —';
      console.log(`  ${t.name.padEnd(20)} ${xs.map((x) => x.toFixed(row.digits).padStart(8)).join(' ')}   median ${m.toFixed(row.digits).padStart(8)}${ratio}`);
    }
  }
  const errs = [...results.values()].flat().some((f) => f.imaptestErrors?.length);
  if (tools.imaptest) console.log(`\nimaptest Error: lines: ${errs ? targets.map((t) => `${t.name} ${results.get(t.name)!.map((f) => f.imaptestErrors!.length).join('/')}`).join(', ') : 'none'}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
