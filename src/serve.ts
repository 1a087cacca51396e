/**
 * `gospochta serve`: the server as one service, whatever its shape.
 *   workers = 1      → everything in this process (main.ts startServer);
 *   workers > 1      → this process is the primary (cluster/primary.ts) and forks
 *                      the workers, each of which runs this same entry point and
 *                      becomes a worker (cluster/worker.ts).
 * A port that cannot be bound stops it with one line naming the cause.
 */
import cluster from 'node:cluster';
import type { Config } from './config/schema.js';
import { createLogger } from './shared/logger.js';
import { startServer, type RunningServer } from './main.js';
import { runPrimary } from './cluster/primary.js';
import { runWorker } from './cluster/worker.js';
import { startControlSocket } from './ops/control-socket.js';
import { keyRotateRequest } from './store/rotate-online.js';
import { keyOptions } from './store/key.js';

function listenError(e: unknown): unknown {
  const err = e as NodeJS.ErrnoException & { port?: number };
  if (err.code === 'EACCES' || err.code === 'EADDRINUSE') {
    const why =
      err.code === 'EACCES'
        ? 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE; set GOSPOCHTA_SMTP_PORT / GOSPOCHTA_IMAP_PORT / GOSPOCHTA_POP3_PORT to use others)'
        : 'the address is already in use (is another server running?)';
    return Object.assign(new Error(`cannot listen on port ${err.port ?? ''}: ${why}`), { code: err.code });
  }
  return e;
}

export async function serve(cfg: Config): Promise<void> {
  const log = createLogger({ level: cfg.log.level });
  if (cluster.isWorker) {
    const index = process.env.GOSPOCHTA_WORKER_INDEX ?? '?';
    return runWorker(cfg, log.child({ worker: Number(index) }));
  }
  if (cfg.workers > 1) {
    try {
      await runPrimary(cfg, log);
    } catch (e) {
      throw listenError(e);
    }
    process.exit(0);
  }
  let server: RunningServer;
  try {
    server = await startServer(cfg, { log });
  } catch (e) {
    throw listenError(e);
  }
  const control = await startControlSocket({
    dataDir: cfg.dataDir,
    log,
    handlers: {
      'key.rotate': keyRotateRequest(
        {
          dataDir: cfg.dataDir,
          key: keyOptions(cfg),
          connection: server.connection,
          writer: server.writer,
          parkOthers: () => server.checkpointer?.park() ?? Promise.resolve(),
          resumeOthers: () => void server.checkpointer?.resume().catch((e: unknown) => log.error({ err: e }, 'checkpoint thread did not reopen after the rotation')),
        },
        log,
      ),
    },
  });
  const stop = (signal: string) => {
    // A rotation under way ends first (control.close waits for it).
    control
      .close()
      .then(() => server.close(`received ${signal}`))
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        log.error({ err: e }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => server.reloadTls());
}
