/**
 * The optional Prometheus endpoint: `GET /metrics` on 127.0.0.1:cfg.metrics.port
 * (text exposition format 0.0.4). Port 0 in the config means off. It listens on the
 * loopback interface only: put a reverse proxy or an SSH tunnel in front to scrape
 * from elsewhere.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/schema.js';
import { metrics as defaultRegistry, type MetricsRegistry } from '../shared/metrics.js';
import { GpError } from '../shared/errors.js';

export interface MetricsServer {
  /** The port listened on, or null when the endpoint is off. */
  port: number | null;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  /** What is served: the process's registry, or (clustered) the sum of the workers'. */
  registry?: Pick<MetricsRegistry, 'render'>;
  /** Overrides cfg.metrics.port; here 0 means an ephemeral port (tests), not "off". */
  port?: number;
  host?: string;
}

export async function startMetricsServer(
  cfg: Pick<Config, 'metrics'>,
  opts: MetricsServerOptions = {},
): Promise<MetricsServer> {
  const port = opts.port ?? cfg.metrics.port;
  if (opts.port === undefined && port === 0) return { port: null, close: async () => {} };
  const registry = opts.registry ?? defaultRegistry;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    const body = registry.render();
    res.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      reject(
        new GpError('METRICS_LISTEN_FAILED', `metrics endpoint: cannot listen on ${opts.host ?? '127.0.0.1'}:${port}: ${e.code ?? e.message}`, {
          kind: 'internal',
          cause: e,
        }),
      );
    };
    server.once('error', onError);
    server.listen(port, opts.host ?? '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
