/**
 * `npm run bench:idle`: what idle clients cost, and how fast a delivery reaches them.
 *
 * `gospochta serve` runs as a child process (WORKERS workers; 1 = one process) on
 * a fresh data directory. This process opens CONNECTIONS IDLE connections (TLS,
 * LOGIN, SELECT INBOX, IDLE): FANOUT of them on one mailbox's INBOX, the others
 * spread over four other mailboxes' INBOXes, and reports:
 *   1. the server's RSS (primary and workers summed, from /proc) before and with
 *      all connections idle, and per connection;
 *   2. a message delivered over SMTP to the mailbox the FANOUT sessions IDLE on:
 *      the time from the end of its DATA (the final dot sent) to each session's
 *      `* n EXISTS` — p50, p99, max — and, for comparison, when the 250 came.
 *      The other sessions stay open and idle meanwhile, so the delivery is timed
 *      on a server holding every connection, but it reaches only its folder's.
 *      ROUNDS timed deliveries after one warm-up, each printed, p99 over all.
 *      (The sessions are told at commit, before the 250 is written, so the 250 is
 *      no reference: most EXISTS arrive before it.)
 *
 *   node dist/bench/idle.js [connections=10000] [workers=cores] [fanout=1000] [rounds=5]
 */
import tls from 'node:tls';
import { availableParallelism } from 'node:os';
import { serverDir } from '../test/helpers/child-server.js';
import { RawSmtp } from '../test/helpers/smtp-raw.js';
import { PASSWORD, pct } from './smtp-clients.js';
import { rssMb } from './reference/system.js';

const N = Number(process.argv[2] ?? 10_000);
const WORKERS = Number(process.argv[3] ?? availableParallelism());
const FANOUT = Math.min(N, Number(process.argv[4] ?? 1000));
const ROUNDS = Math.max(1, Number(process.argv[5] ?? 5));

interface Idler {
  sock: tls.TLSSocket;
  /** Resolves when `* n EXISTS` arrives after `arm()`. */
  arm(): Promise<number>;
}

async function idler(port: number, user: string): Promise<Idler> {
  const sock = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
  sock.setEncoding('latin1');
  let buf = '';
  let onLine: ((l: string) => void) | null = null;
  sock.on('data', (d: string) => {
    buf += d;
    let i: number;
    while ((i = buf.indexOf('\r\n')) >= 0) {
      const l = buf.slice(0, i);
      buf = buf.slice(i + 2);
      onLine?.(l);
    }
  });
  const until = (re: RegExp) => new Promise<string>((r) => (onLine = (l) => re.test(l) && r(l)));
  await until(/^\* OK/);
  sock.write(`a LOGIN ${user} ${PASSWORD}\r\n`);
  const login = await until(/^a /);
  if (!/^a OK/.test(login)) throw new Error(login);
  sock.write('b SELECT INBOX\r\n');
  await until(/^b OK/);
  sock.write('c IDLE\r\n');
  await until(/^\+ /);
  onLine = null;
  return {
    sock,
    arm() {
      return new Promise<number>((r) => (onLine = (l) => / EXISTS$/.test(l) && r(performance.now())));
    },
  };
}

/** One message over SMTP; `sent` is when its final dot was written, `acked` the ms until the 250. */
async function deliverOne(port: number, sender: string, user: string, subject: string): Promise<{ sent: number; acked: number }> {
  const c = await RawSmtp.open(port);
  try {
    if ((await c.login(sender, PASSWORD)).code !== 235) throw new Error('SMTP login refused');
    await c.cmd(`MAIL FROM:<${sender}>`);
    await c.cmd(`RCPT TO:<${user}>`);
    if ((await c.cmd('DATA')).code !== 354) throw new Error('DATA refused');
    const sent = performance.now();
    c.write(`From: <${sender}>\r\nTo: <${user}>\r\nSubject: ${subject}\r\n\r\nx\r\n.\r\n`);
    const reply = await c.read();
    const acked = performance.now() - sent;
    if (reply.code !== 250) throw new Error(`delivery refused: ${reply.text}`);
    return { sent, acked };
  } finally {
    c.close();
  }
}

async function main(): Promise<void> {
  const d = await serverDir(
    {},
    `notices:\n  newDevice: false\nauth:\n  failureDelayMs: 0\nimap:\n  maxConnections: ${N + 100}\n  maxConnectionsPerUser: ${N + 100}\n`,
  );
  const user = (await d.provision('idler')).address;
  const sender = (await d.provision('sender')).address;
  // Everyone not watching the delivery's folder idles on one of four other mailboxes.
  const others: string[] = [];
  for (let i = 0; i < Math.min(4, N - FANOUT); i++) others.push((await d.provision(`other${i}`)).address);
  const userOf = (i: number) => (i < FANOUT ? user : others[(i - FANOUT) % others.length]!);
  d.db().close();
  const s = d.start({ GOSPOCHTA_WORKERS: String(WORKERS) });
  await s.ready;
  const pids = () => [s.child.pid!, ...s.lines.filter((l) => l.msg === 'worker ready').map((l) => l.workerPid as number)];
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const before = rssMb(pids());
    const idlers: Idler[] = [];
    const t0 = performance.now();
    for (let i = 0; i < N; i += 100) {
      idlers.push(...(await Promise.all(Array.from({ length: Math.min(100, N - i) }, (_, k) => idler(d.imapPort, userOf(i + k))))));
    }
    const setup = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 2000));
    const after = rssMb(pids());
    console.log(`bench:idle — Node ${process.version}, workers=${WORKERS}`);
    console.log(`${N} authenticated IDLE connections, ${FANOUT} of them on the delivery's INBOX, ${N - FANOUT} on ${others.length} other mailboxes' (opened in ${setup.toFixed(1)} s): server RSS ${before.toFixed(0)} MB → ${after.toFixed(0)} MB, ${(((after - before) * 1024) / N).toFixed(1)} KiB per connection`);

    // One delivery first, not timed: the first message after start pays for statements
    // being prepared and code being compiled, which a server that has run a while has
    // behind it. Every session sees it before the timed one is sent.
    const warm = idlers.slice(0, FANOUT).map((x) => x.arm());
    await deliverOne(d.smtpPort, sender, user, 'warm-up');
    await Promise.all(warm);
    // ROUNDS timed deliveries: with several workers the SMTP connection lands on any of
    // them, so one round alone says little; p99 is over every session of every round.
    const all: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const watching = idlers.slice(0, FANOUT).map((x) => x.arm());
      const { sent, acked } = await deliverOne(d.smtpPort, sender, user, `fan-out ${round}`);
      const seen = (await Promise.all(watching)).map((at) => at - sent).sort((a, b) => a - b);
      all.push(...seen);
      console.log(
        `  delivery ${round}: * EXISTS after the end of DATA in p50 ${pct(seen, 50).toFixed(1)} ms, p99 ${pct(seen, 99).toFixed(1)} ms, max ${seen.at(-1)!.toFixed(1)} ms (the 250 after ${acked.toFixed(1)} ms)`,
      );
    }
    all.sort((a, b) => a - b);
    console.log(
      `${ROUNDS} deliveries to ${FANOUT} IDLE sessions on one INBOX: * EXISTS after the end of DATA in p50 ${pct(all, 50).toFixed(1)} ms, p99 ${pct(all, 99).toFixed(1)} ms, max ${all.at(-1)!.toFixed(1)} ms`,
    );
    for (const x of idlers) x.sock.destroy();
  } finally {
    s.child.kill('SIGTERM');
    await s.exited;
    d.cleanup();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
