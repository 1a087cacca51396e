/**
 * The ManageSieve listener (RFC 5804 §1.8: port 4190, plain TCP, STARTTLS with
 * the server certificate). `sieve.port` / GOSPOCHTA_SIEVE_PORT, 0 = off. Started
 * in every server process like the IMAP listener (in a cluster the workers share
 * the port). Closing ends every open session.
 */
import { tlsPosture } from '../tls/posture.js';
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import type { Logger } from '../shared/logger.js';
import type { AuthRequest, AuthResult } from '../identity/auth.js';
import { metrics, METRIC } from '../shared/metrics.js';
import { startSession } from './session.js';

export interface SieveListener {
  port: number;
  setSecureContext(opts: { key: string | Buffer; cert: string | Buffer }): void;
  close(): Promise<void>;
}

export async function startManageSieve(o: {
  cfg: Config;
  db: Db;
  log: Logger;
  host: string;
  port: number;
  tls: { key: string | Buffer; cert: string | Buffer };
  authenticate: (req: AuthRequest) => Promise<AuthResult>;
}): Promise<SieveListener> {
  let context = tls.createSecureContext({ key: o.tls.key, cert: o.tls.cert, ...tlsPosture(o.cfg) });
  const open = new Set<Socket>();
  const server = net.createServer((sock) => {
    sock.setNoDelay(true);
    open.add(sock);
    metrics.inc(METRIC.connections, { protocol: 'managesieve' });
    startSession({ cfg: o.cfg, db: o.db, log: o.log, secureContext: () => context, authenticate: o.authenticate }, sock, () => open.delete(sock));
  });
  server.on('error', (e) => o.log.error({ err: e }, 'managesieve listener error'));
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', (e) => reject(Object.assign(e, { port: o.port })));
    server.listen(o.port, o.host, () => resolve((server.address() as net.AddressInfo).port));
  });
  let closing: Promise<void> | null = null;
  return {
    port,
    setSecureContext(k: { key: Buffer | string; cert: Buffer | string; ticketKeys?: Buffer }) {
      context = tls.createSecureContext({ key: k.key, cert: k.cert, ...tlsPosture(o.cfg) });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of open) {
          s.end();
          setTimeout(() => s.destroy(), 1000).unref();
        }
      });
      return closing;
    },
  };
}
