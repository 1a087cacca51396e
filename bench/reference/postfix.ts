/**
 * A private Postfix 3.7 for `bench:compare`: its own config_directory,
 * queue_directory and data_directory under a temporary directory, started
 * and stopped with `postfix -c DIR start|stop`, one listener: smtpd on
 * 127.0.0.1:PORT in wrapper mode (implicit TLS, as on 465) with SASL through
 * Dovecot's auth socket, relaying nothing but accepting the virtual domain,
 * delivered by virtual(8) to the same maildirs Dovecot serves
 * (MAIL/<domain>/<local>/Maildir/, owned by nobody). No chroot, log to a file
 * (maillog_file), no other listener.
 *
 * Durability as shipped (Postfix has no setting for it): cleanup(8) fsyncs
 * the queue file before smtpd answers 250, and virtual(8) fsyncs each maildir
 * file before its rename into new/. So the 250 means "safely queued"; the
 * maildir copy follows asynchronously: `delivered()` counts it.
 */
import { mkdirSync, writeFileSync, chownSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { alive, maildirMessages, run, runDaemonizer, sleep, waitForPort, waitGone } from './system.js';
import { NOBODY } from './dovecot.js';

export interface PostfixOptions {
  binary: string;
  root: string;
  cert: { cert: string; key: string };
  port: number;
  users: string[];
  authSocket: string;
  mailRoot: string;
}

export interface Postfix {
  port: number;
  pid: number;
  configDir: string;
  log: string;
  /** Messages in the maildirs now. */
  delivered(): number;
  /** Resolves when the maildirs hold `n` messages (or rejects after timeoutMs); returns when. */
  waitDelivered(n: number, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

const MASTER_CF = (port: number) => `# bench:compare's private Postfix: one listener, 465-style wrapper mode
127.0.0.1:${port} inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_sasl_auth_enable=yes
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`;

export function postfixMainCf(o: { dir: string; cert: { cert: string; key: string }; authSocket: string; mailRoot: string; domain: string }): string {
  return `# bench:compare's private Postfix (loopback only)
compatibility_level = 3.6
queue_directory = ${o.dir}/queue
data_directory = ${o.dir}/data
maillog_file_prefixes = ${o.dir}
maillog_file = ${o.dir}/maillog
myhostname = mx.${o.domain}
mydomain = ${o.domain}
myorigin = ${o.domain}
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
virtual_mailbox_domains = ${o.domain}
virtual_mailbox_base = ${o.mailRoot}
virtual_mailbox_maps = texthash:${o.dir}/etc/vmailbox
virtual_uid_maps = static:${NOBODY}
virtual_gid_maps = static:${NOBODY}
virtual_mailbox_limit = 0
message_size_limit = 20000000
smtpd_tls_cert_file = ${o.cert.cert}
smtpd_tls_key_file = ${o.cert.key}
smtpd_tls_security_level = may
smtpd_sasl_type = dovecot
smtpd_sasl_path = ${o.authSocket}
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
biff = no
`;
}

export async function startPostfix(o: PostfixOptions): Promise<Postfix> {
  const dir = join(o.root, 'postfix');
  const etc = join(dir, 'etc');
  mkdirSync(etc, { recursive: true });
  mkdirSync(join(dir, 'queue'), { recursive: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  chownSync(join(dir, 'data'), Number((await run('id', ['-u', 'postfix'])).stdout.trim()), 0);
  const domain = o.users[0]!.split('@')[1]!;
  writeFileSync(join(etc, 'main.cf'), postfixMainCf({ dir, cert: o.cert, authSocket: o.authSocket, mailRoot: o.mailRoot, domain }));
  writeFileSync(join(etc, 'master.cf'), MASTER_CF(o.port));
  writeFileSync(join(etc, 'vmailbox'), o.users.map((u) => `${u} ${u.split('@')[1]}/${u.split('@')[0]}/Maildir/\n`).join(''));
  await runDaemonizer(o.binary, ['-c', etc, 'check'], join(dir, 'start.log'));
  await runDaemonizer(o.binary, ['-c', etc, 'start'], join(dir, 'start.log'));
  const pidFile = join(dir, 'queue', 'pid', 'master.pid');
  try {
    await waitForPort(o.port);
    for (let i = 0; i < 100 && !existsSync(pidFile); i++) await sleep(50);
  } catch (e) {
    await runDaemonizer(o.binary, ['-c', etc, 'stop'], join(dir, 'start.log')).catch(() => undefined);
    throw e;
  }
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const delivered = () => maildirMessages(o.mailRoot);
  return {
    port: o.port,
    pid,
    configDir: etc,
    log: join(dir, 'maillog'),
    delivered,
    async waitDelivered(n, timeoutMs = 600_000) {
      const until = Date.now() + timeoutMs;
      while (delivered() < n) {
        if (Date.now() > until) throw new Error(`postfix delivered ${delivered()} of ${n} messages in ${timeoutMs} ms; see ${join(dir, 'maillog')}`);
        await sleep(100);
      }
      return performance.now();
    },
    async stop() {
      if (!alive(pid)) return;
      await runDaemonizer(o.binary, ['-c', etc, 'stop'], join(dir, 'start.log')).catch(() => process.kill(pid, 'SIGTERM'));
      await waitGone(pid);
    },
  };
}
