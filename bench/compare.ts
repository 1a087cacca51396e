/**
 * `npm run bench:compare`: the same workloads against the server as it runs in
 * production (`gospochta serve` as a child process, fresh data directory), with
 * one process (`workers: 1`) and with one worker per core, alternating, ROUNDS
 * rounds; each figure, its median and the ratio to one process.
 *
 *   SMTP  20 sessions over implicit TLS, 10 KB messages and 1 MB messages,
 *         each acknowledged only after COMMIT (synchronous=FULL): messages/s.
 *   IMAP  10 clients over TLS on INBOXes of about 100 messages each, for SECS s:
 *         FETCH (FLAGS ENVELOPE RFC822.SIZE BODY.PEEK[HEADER]) of 10 messages,
 *         every 10th command a whole message: FETCH commands done.
 *
 * Dovecot and Postfix are not started by this script; to put them beside these
 * figures, run imaptest's stress profile and the same SMTP clients against them
 * (see the figures in the project's issue notes). A benchmark, not a test.
 *
 *   node dist/bench/compare.js [rounds=3] [count10k=2000] [count1m=100] [secs=10]
 */
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { serverDir, type ServerDir } from '../test/helpers/child-server.js';
import { PASSWORD, runClients } from './smtp-clients.js';
import { createMailbox } from '../src/identity/mailboxes.js';
import { loadConfig } from '../src/config/load.js';

const ROUNDS = Number(process.argv[2] ?? 3);
const COUNT_10K = Number(process.argv[3] ?? 2000);
const COUNT_1M = Number(process.argv[4] ?? 100);
const SECS = Number(process.argv[5] ?? 10);
const SESSIONS = 20;
const IMAP_CLIENTS = 10;
const CORES = availableParallelism();

interface Figures {
  smtp10k: number;
  smtp1m: number;
  imapFetch: number;
  rssMb: number;
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
      await cmd(`LOGIN ${users[i % users.length]} ${PASSWORD}`);
      const sel = await cmd('SELECT INBOX');
      if (!/t\d+ OK/.test(sel)) throw new Error(`SELECT: ${sel.slice(-200)}`);
      const exists = Number(/\* (\d+) EXISTS/.exec(sel)?.[1] ?? 0);
      if (exists < 10) throw new Error(`INBOX of ${users[i % users.length]} has ${exists} messages: run more SMTP first`);
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

function rssOf(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      /* gone */
    }
  }
  return kb / 1024;
}

async function runOnce(d: ServerDir, users: string[], workers: number): Promise<Figures> {
  const s = d.start({ GOSPOCHTA_WORKERS: String(workers), LOG_LEVEL: 'info' });
  await s.ready;
  try {
    const figures: Partial<Figures> = {};
    for (const [key, size, count] of [['smtp10k', 10_000, COUNT_10K], ['smtp1m', 1_000_000, COUNT_1M]] as const) {
      const t0 = performance.now();
      const lat = await runClients({ port: d.smtpPort, users, size, count });
      figures[key] = lat.length / ((performance.now() - t0) / 1000);
    }
    figures.imapFetch = (await imapLoad(d.imapPort, users, SECS)) / SECS;
    const pids = [s.child.pid!, ...s.lines.filter((l) => l.msg === 'worker ready').map((l) => l.workerPid as number)];
    figures.rssMb = rssOf(pids);
    return figures as Figures;
  } finally {
    s.child.kill('SIGTERM');
    await s.exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const configs = [...new Set([1, CORES])];
  const dirs = new Map<number, { d: ServerDir; users: string[] }>();
  for (const w of configs) {
    const d = await serverDir({}, `notices:\n  newDevice: false\nlimits:\n  dailyRecipients: 10000000\nauth:\n  failureDelayMs: 0\n`);
    const acc = await d.provision('user0x');
    const users = [acc.address];
    const cfg = loadConfig({ env: { GOSPOCHTA_DATA_DIR: d.env.GOSPOCHTA_DATA_DIR!, GOSPOCHTA_DOMAINS: 'example.org' }, cwd: d.dir });
    for (let i = 1; i < SESSIONS; i++) users.push((await createMailbox({ db: d.db(), cfg, actor: 'operator:bench' }, acc.accountId, `user${i}x@example.org`, PASSWORD)).address);
    d.db().close();
    dirs.set(w, { d, users });
  }
  const results = new Map<number, Figures[]>(configs.map((w) => [w, []]));
  console.log(`bench:compare — Node ${process.version}, ${CORES} cores, ${ROUNDS} rounds alternating; SMTP ${SESSIONS} sessions (${COUNT_10K} × 10 KB, ${COUNT_1M} × 1 MB); IMAP ${IMAP_CLIENTS} clients × ${SECS} s`);
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? configs : [...configs].reverse();
    for (const w of order) {
      const { d, users } = dirs.get(w)!;
      const f = await runOnce(d, users, w);
      results.get(w)!.push(f);
      console.log(`round ${r + 1}  workers=${w}  SMTP 10 KB ${f.smtp10k.toFixed(0)} msg/s  SMTP 1 MB ${f.smtp1m.toFixed(1)} msg/s  IMAP FETCH ${f.imapFetch.toFixed(0)} cmd/s  RSS after ${f.rssMb.toFixed(0)} MB`);
    }
  }
  const base = results.get(1)!;
  console.log('\nmedians                 SMTP 10 KB msg/s   SMTP 1 MB msg/s   IMAP FETCH cmd/s');
  for (const w of configs) {
    const fs = results.get(w)!;
    const m = (k: keyof Figures) => median(fs.map((f) => f[k]));
    const ratio = (k: keyof Figures) => (m(k) / median(base.map((f) => f[k]))).toFixed(2);
    console.log(
      `gospochta workers=${String(w).padEnd(4)}  ${m('smtp10k').toFixed(0).padStart(8)} (${ratio('smtp10k')}×)   ${m('smtp1m').toFixed(1).padStart(8)} (${ratio('smtp1m')}×)   ${m('imapFetch').toFixed(0).padStart(8)} (${ratio('imapFetch')}×)`,
    );
  }
  for (const { d } of dirs.values()) d.cleanup();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
