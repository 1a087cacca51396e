/**
 * The composition root: config → store → listeners → scheduler → signals.
 *
 * One process serves SMTP submission (465), IMAP (993) and POP3 (995), implicit TLS
 * (RFC 8314), submission with STARTTLS (587), MX (25) and ManageSieve (4190),
 * over one SQLite file. All writes that must be durable go through one
 * group-committing Writer shared by SMTP delivery and IMAP APPEND.
 *
 * Shutdown (SIGTERM/SIGINT): stop accepting; SMTP transactions in DATA finish within
 * smtp.shutdownGraceMs, the rest get 421; IMAP sessions get `* BYE`, POP3 sessions `-ERR` (nothing deleted); the writer
 * drains; the database is checkpointed and closed; exit code 0.
 * SIGHUP re-reads the TLS certificate and key without dropping connections.
 */
import { writeFileSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config/schema.js';
import { openDb, type Db } from './store/db.js';
import { EventBus } from './events/bus.js';
import { Writer } from './store/deliver.js';
import { createLogger, type Logger } from './shared/logger.js';
import { PID_FILE } from './ops/server-running.js';
import { audit } from './store/audit.js';
import { checkpoint } from './store/maintenance.js';
import { loadTls, type TlsMaterial } from './tls/certs.js';
import { createAuthenticator, type AuthRequest } from './identity/auth.js';
import { sessionAccess } from './identity/access.js';
import { parseThreads } from './mime/parse-pool.js';
import { startSmtp } from './smtp/server.js';
import { startMx } from './smtp/mx.js';
import { startOutbound } from './mta/outbound.js';
import { startImap } from './imap/server.js';
import { startPop3 } from './pop3/server.js';
import { startManageSieve } from './managesieve/server.js';
import { startMetricsServer } from './ops/metrics-server.js';
import { startScheduler, type Scheduler } from './policy/scheduler.js';
import { startTicketRotation } from './tls/posture.js';
import { warnAtStart } from './start-checks.js';
import { lateAutoCheckpoint, startCheckpointer, type Checkpointer } from './store/checkpointer.js';
import { keyOptions } from './store/key.js';
import { createNewDeviceNotifier } from './policy/new-device.js';
import { writerQuota } from './policy/quota.js';
import { fileBarrier, SwappableDb } from './store/swappable.js';
import { rotationMarker, ROTATION_WAIT_MS } from './store/rotate-online.js';
import { removeIfExists } from './shared/fs.js';

export interface RunningServer {
  cfg: Config;
  db: Db;
  /** The connection behind `db`, replaceable while the server runs (online key rotation). */
  connection: SwappableDb;
  /** WAL checkpoints in a thread of their own (a standalone server's; null in a cluster worker). */
  checkpointer: Checkpointer | null;
  bus: EventBus;
  writer: Writer;
  log: Logger;
  tls: TlsMaterial;
  smtpPort: number;
  imapPort: number;
  /** Submission with STARTTLS (587), null when off. */
  submissionPort: number | null;
  /** Inbound MX (25), null when off. */
  mxPort: number | null;
  /** POP3 with implicit TLS (995), null when off. */
  pop3Port: number | null;
  /** ManageSieve (4190), null when off. */
  sievePort: number | null;
  /** Re-read the certificate and key (SIGHUP). */
  reloadTls(): void;
  /** Graceful stop; resolves when everything is closed. */
  close(reason?: string): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Write <dataDir>/server.pid (default true; tests starting several servers may turn it off). */
  pidFile?: boolean;
  /** Run the retention scheduler (default true). */
  scheduler?: boolean;
  /**
   * Serve cfg.metrics.port and journal server.start / server.stop (default true). A
   * worker process leaves both to its primary (cluster/primary.ts).
   */
  standalone?: boolean;
  /**
   * Where a submission that queued mail for other domains says so. Default: this
   * process runs the outbound queue itself (when standalone); a worker passes a
   * function that tells its primary, which runs it.
   */
  onQueued?: () => void;
}

export { PID_FILE };

/**
 * The server's database handle. A standalone server clears the marker of a rotation
 * it did not live to finish; a worker started while its primary rotates waits for it.
 */
export function openServerDb(cfg: Config, standalone: boolean): SwappableDb {
  const marker = rotationMarker(cfg.dataDir);
  if (standalone) removeIfExists(marker);
  else fileBarrier(marker, { alive: () => process.connected !== false, timeoutMs: ROTATION_WAIT_MS })();
  const open = () => lateAutoCheckpoint(openDb(cfg.dataDir, { key: keyOptions(cfg), waitForRotation: false }));
  return new SwappableDb(open(), open);
}

export async function startServer(cfg: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const log = opts.log ?? createLogger({ level: cfg.log.level });
  const connection = openServerDb(cfg, opts.standalone !== false);
  const db = connection.db;
  const bus = new EventBus();
  const writer: Writer = new Writer(db, bus, { quota: writerQuota({ cfg, log, writer: () => writer }) });
  const tls = loadTls(cfg, log);
  if (opts.standalone !== false) warnAtStart({ cfg, log, tlsKeyPath: tls.keyPath, db });
  const checkpointer = opts.standalone !== false ? startCheckpointer({ db, dataDir: cfg.dataDir, key: keyOptions(cfg), log }) : null;
  // The parse threads start with the server, so the first message does not wait ~150 ms for one to load.
  parseThreads();
  const auth = createAuthenticator({ db, cfg, log, bus, onLoginSuccess: createNewDeviceNotifier({ db, cfg, writer, log }) });

  bus.onError = (e, ev) => log.error({ err: e, event: ev.type }, 'change listener failed');

  const standalone = opts.standalone !== false;
  const outbound = standalone && cfg.outbound.enabled ? startOutbound({ db, cfg, log: log.child({ svc: 'outbound' }), writer }) : null;
  const kick = opts.onQueued ?? (() => outbound?.kick());
  const smtpCtx = { cfg, db, log: log.child({ svc: 'smtp' }), bus, writer, auth, tls, controlPollMs: cfg.auth.accessCheckMs, outbound: { kick } };
  const smtp = await startSmtp(smtpCtx);
  // Port 0 turns the second-wave listeners off (the contract of GOSPOCHTA_SUBMISSION_PORT / GOSPOCHTA_MX_PORT / GOSPOCHTA_POP3_PORT).
  const submission = cfg.submission.port ? await startSmtp({ ...smtpCtx, starttls: true, port: cfg.submission.port }) : null;
  const mx = cfg.mx.port ? await startMx({ ...smtpCtx, log: log.child({ svc: 'mx' }), port: cfg.mx.port }) : null;
  // What the IMAP and POP3 listeners are both given.
  const sessionCtx = {
    config: cfg,
    db,
    bus,
    writer,
    tls: { key: tls.key, cert: tls.cert },
    authenticate: (req: AuthRequest) => auth.authenticate(req),
    controlPollMs: cfg.auth.accessCheckMs,
  };
  const imap = await startImap({
    ...sessionCtx,
    host: cfg.bind,
    log: log.child({ svc: 'imap' }),
    mailboxAccess: (id, credential) => sessionAccess(db, id, credential),
  });
  const pop3 = cfg.pop3.port ? await startPop3({ ...sessionCtx, log: log.child({ svc: 'pop3' }) }) : null;
  const sieve = cfg.sieve.port
    ? await startManageSieve({ cfg, db, log: log.child({ svc: 'managesieve' }), host: cfg.bind, port: cfg.sieve.port, tls: { key: tls.key, cert: tls.cert }, authenticate: (req) => auth.authenticate(req) })
    : null;
  const stopTickets = startTicketRotation({
    everyMs: cfg.tls.ticketRotationMinutes * 60_000,
    apply: (ticketKeys) => {
      for (const l of [smtp, submission, mx, imap, pop3, sieve]) l?.setSecureContext({ key: tls.key, cert: tls.cert, ticketKeys });
    },
  });
  const scheduler: Scheduler | null = opts.scheduler === false ? null : startScheduler({ db, cfg, bus, log: log.child({ svc: 'scheduler' }) });
  const metrics = standalone && cfg.metrics.port ? await startMetricsServer(cfg) : null;

  const pidPath = join(cfg.dataDir, PID_FILE);
  if (opts.pidFile !== false) writeFileSync(pidPath, `${process.pid}\n`, { mode: 0o600 });

  const ports = { smtpPort: smtp.port, imapPort: imap.port, submissionPort: submission?.port ?? null, mxPort: mx?.port ?? null, pop3Port: pop3?.port ?? null, sievePort: sieve?.port ?? null };
  if (standalone) audit(db, { actor: 'system', subject: 'server', action: 'server.start', details: { ...ports, selfSignedCertificate: tls.selfSigned } });
  log.info({ ...ports, domains: cfg.domains, dataDir: cfg.dataDir }, standalone ? 'gospochta ready' : 'worker listening');

  let closing: Promise<void> | null = null;
  const server: RunningServer = {
    cfg,
    db,
    connection,
    checkpointer,
    bus,
    writer,
    log,
    tls,
    ...ports,
    reloadTls() {
      try {
        tls.reload();
        for (const l of [smtp, submission, mx]) l?.setSecureContext({ key: tls.key, cert: tls.cert });
        imap.setSecureContext({ key: tls.key, cert: tls.cert });
        pop3?.setSecureContext({ key: tls.key, cert: tls.cert });
        sieve?.setSecureContext({ key: tls.key, cert: tls.cert });
        log.info({ selfSigned: tls.selfSigned }, 'TLS certificate reloaded');
      } catch (e) {
        log.error({ err: e }, 'TLS reload failed; keeping the previous certificate');
      }
    },
    close(reason = 'Server shutting down') {
      if (closing) return closing;
      closing = (async () => {
        log.info({ reason }, 'shutting down');
        stopTickets();
        await scheduler?.stop();
        await Promise.all([
          smtp.close(cfg.smtp.shutdownGraceMs).then(() => log.info('SMTP listener closed')),
          submission?.close(cfg.smtp.shutdownGraceMs).then(() => log.info('submission listener closed')),
          mx?.close(cfg.smtp.shutdownGraceMs).then(() => log.info('MX listener closed')),
          imap.close().then(() => log.info('IMAP listener closed')),
          pop3?.close().then(() => log.info('POP3 listener closed')),
          sieve?.close().then(() => log.info('ManageSieve listener closed')),
        ]);
        await outbound?.stop();
        await writer.close();
        log.info('writer drained');
        auth.close();
        await metrics?.close();
        await checkpointer?.stop();
        try {
          if (standalone) {
            audit(db, { actor: 'system', subject: 'server', action: 'server.stop', details: { reason } });
            checkpoint(db, 'TRUNCATE');
          }
        } finally {
          db.close();
        }
        if (opts.pidFile !== false) {
          try {
            if (readFileSync(pidPath, 'utf8').trim() === String(process.pid)) rmSync(pidPath, { force: true });
          } catch {
            /* already gone */
          }
        }
        log.info('stopped');
      })();
      return closing;
    },
  };
  return server;
}
