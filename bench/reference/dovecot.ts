/**
 * A private Dovecot 2.3 for `bench:compare`: its own configuration, base_dir,
 * state_dir and log under a temporary directory, IMAP over implicit TLS
 * (imaps) on one loopback port and nothing else listening, users from a
 * passwd-file, maildir (`~/Maildir`) under ROOT/mail owned by nobody, the
 * default fsync policy (mail_fsync = optimized: a saved message is fsynced
 * before the APPEND is answered). Its auth socket (mode 0666) is what the
 * private Postfix uses for SMTP AUTH.
 *
 * Started with `dovecot -c CONF` (the master daemonizes and writes
 * base_dir/master.pid); stopped by SIGTERM to that PID.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { alive, runDaemonizer, sleep, waitForPort, waitGone } from './system.js';

export const NOBODY = 65534;

export interface DovecotOptions {
  binary: string;
  /** A directory of the caller's (mode 755): dovecot/ and mail/ are made in it. */
  root: string;
  cert: { cert: string; key: string };
  port: number;
  users: string[];
  password: string;
}

export interface Dovecot {
  port: number;
  pid: number;
  /** The auth-client socket (for Postfix's smtpd_sasl_path). */
  authSocket: string;
  /** Where the maildirs are: MAIL/<domain>/<local>/Maildir. */
  mailRoot: string;
  log: string;
  config: string;
  stop(): Promise<void>;
}

export function dovecotConfig(o: { dir: string; mailRoot: string; cert: { cert: string; key: string }; port: number }): string {
  return `# bench:compare's private Dovecot (loopback, imaps only)
protocols = imap
listen = 127.0.0.1
base_dir = ${o.dir}/run
state_dir = ${o.dir}/state
log_path = ${o.dir}/dovecot.log
ssl = required
ssl_cert = <${o.cert.cert}
ssl_key = <${o.cert.key}
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
mail_fsync = optimized
first_valid_uid = ${NOBODY}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${o.dir}/passwd
}
userdb {
  driver = static
  args = uid=${NOBODY} gid=${NOBODY} home=${o.mailRoot}/%d/%n
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${o.port}
    ssl = yes
  }
}
service auth {
  unix_listener auth-client {
    mode = 0666
  }
}
`;
}

export async function startDovecot(o: DovecotOptions): Promise<Dovecot> {
  const dir = join(o.root, 'dovecot');
  const mailRoot = join(o.root, 'mail');
  mkdirSync(join(dir, 'run'), { recursive: true });
  mkdirSync(join(dir, 'state'), { recursive: true });
  mkdirSync(mailRoot, { recursive: true });
  chownSync(mailRoot, NOBODY, NOBODY);
  writeFileSync(join(dir, 'passwd'), o.users.map((u) => `${u}:{PLAIN}${o.password}::::::\n`).join(''), { mode: 0o644 });
  const config = join(dir, 'dovecot.conf');
  writeFileSync(config, dovecotConfig({ dir, mailRoot, cert: o.cert, port: o.port }));
  await runDaemonizer(o.binary, ['-c', config], join(dir, 'start.log'));
  // The master writes its PID file after it daemonizes, not necessarily before the listener accepts.
  const pidFile = join(dir, 'run', 'master.pid');
  const readPid = () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0);
  try {
    await waitForPort(o.port);
    for (let i = 0; i < 100 && !readPid(); i++) await sleep(50);
  } catch (e) {
    if (readPid() && alive(readPid())) process.kill(readPid(), 'SIGTERM');
    throw e;
  }
  const pid = readPid();
  if (!pid || !alive(pid)) throw new Error(`dovecot (pid ${pid || 'unknown'}) is not running; see ${dir}/dovecot.log`);
  return {
    port: o.port,
    pid,
    authSocket: join(dir, 'run', 'auth-client'),
    mailRoot,
    log: join(dir, 'dovecot.log'),
    config,
    async stop() {
      if (!alive(pid)) return;
      process.kill(pid, 'SIGTERM');
      await waitGone(pid);
    },
  };
}
