/**
 * The running server's control socket: `<dataDir>/control.sock`, a Unix socket of
 * mode 0600 (only the server's user, and root, may connect). One JSON request a
 * line, one JSON answer a line:
 *   → {"op": "key.rotate"}
 *   ← {"ok": true, "result": {…}}  |  {"ok": false, "error": {"code": "…", "message": "…"}}
 * The CLI asks here first (`gospochta key rotate`); nobody answering means no
 * server runs on this data directory. Closing waits for the requests under way
 * (a rotation is never cut off by a shutdown).
 */
import { chmodSync, existsSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../shared/logger.js';
import { removeIfExists } from '../shared/fs.js';

export const CONTROL_SOCKET = 'control.sock';
const MAX_LINE = 64 * 1024;

export function controlSocketPath(dataDir: string): string {
  return join(dataDir, CONTROL_SOCKET);
}

export interface ControlRequest {
  op: string;
}

export type ControlAnswer = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

export type ControlHandlers = Record<string, () => Promise<unknown>>;

export interface ControlSocket {
  path: string;
  /** Stop listening; resolves when every request under way has been answered. */
  close(): Promise<void>;
}

function failure(e: unknown): ControlAnswer {
  const err = e as { code?: unknown; message?: unknown };
  return { ok: false, error: { code: typeof err.code === 'string' ? err.code : 'INTERNAL', message: typeof err.message === 'string' ? err.message : String(e) } };
}

function serveLine(line: string, handlers: ControlHandlers): Promise<ControlAnswer> {
  let req: ControlRequest;
  try {
    req = JSON.parse(line) as ControlRequest;
  } catch {
    return Promise.resolve({ ok: false, error: { code: 'CONTROL_BAD_REQUEST', message: 'not a JSON request' } });
  }
  const h = typeof req?.op === 'string' && Object.hasOwn(handlers, req.op) ? handlers[req.op]! : null;
  if (!h) return Promise.resolve({ ok: false, error: { code: 'CONTROL_UNKNOWN_OP', message: `unknown request ${JSON.stringify(req?.op)}` } });
  return h().then((result): ControlAnswer => ({ ok: true, result }), failure);
}

export async function startControlSocket(o: { dataDir: string; log: Logger; handlers: ControlHandlers }): Promise<ControlSocket> {
  const path = controlSocketPath(o.dataDir);
  removeIfExists(path); // left by a server that did not stop cleanly
  const underWay = new Set<Promise<unknown>>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    let buf = '';
    sock.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      if (buf.length > MAX_LINE) return void sock.destroy();
      const i = buf.indexOf('\n');
      if (i < 0) return;
      const line = buf.slice(0, i);
      buf = '';
      sock.pause();
      const p = serveLine(line, o.handlers).then((a) => {
        if (!a.ok) o.log.warn({ op: line.slice(0, 100), code: a.error.code }, 'control request refused');
        sock.end(`${JSON.stringify(a)}\n`);
      });
      underWay.add(p);
      void p.finally(() => underWay.delete(p));
    });
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(path, () => res());
  });
  chmodSync(path, 0o600);
  return {
    path,
    async close() {
      const closed = new Promise<void>((res) => server.close(() => res()));
      await Promise.all([...underWay]);
      // Answers already written flush before the end; a client that never asked is let go.
      for (const s of sockets) s.end();
      setTimeout(() => sockets.forEach((s) => s.destroy()), 1000).unref();
      await closed;
      if (existsSync(path)) removeIfExists(path);
    },
  };
}

/** Ask the server of `dataDir`; null when none answers (no socket, or nobody listening on it). */
export function askServer(dataDir: string, req: ControlRequest): Promise<ControlAnswer | null> {
  const path = controlSocketPath(dataDir);
  if (!existsSync(path)) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    let buf = '';
    let connected = false;
    sock.on('connect', () => {
      connected = true;
      sock.write(`${JSON.stringify(req)}\n`);
    });
    sock.on('data', (d: Buffer) => (buf += d.toString('utf8')));
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (!connected && (e.code === 'ECONNREFUSED' || e.code === 'ENOENT')) resolve(null);
      else reject(e);
    });
    sock.on('close', () => {
      if (!connected) return;
      try {
        resolve(JSON.parse(buf.trim()) as ControlAnswer);
      } catch {
        reject(new Error(`the server closed the control socket without an answer to ${req.op}`));
      }
    });
  });
}
