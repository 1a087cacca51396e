/**
 * What the raw transcript clients of the tests share (TranscriptClient, RawSmtp,
 * the COMPRESS test's DeflateClient): a loopback TLS connection that does not
 * check the test certificate, and a reader that waits for the next data or for
 * the close (`closed`); a socket error ends in the close.
 */
import tls from 'node:tls';
import type { EventEmitter } from 'node:events';

/** Resolves once `socket` emits `event` ('secureConnect' for TLS, 'connect' in the clear); rejects on an error first. */
export function connected(socket: EventEmitter, event: 'secureConnect' | 'connect' = 'secureConnect'): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    socket.once(event, () => resolve());
    socket.once('error', reject);
  });
}

/** A TLS connection to 127.0.0.1:`port`, once it is secure. */
export async function loopbackTls(port: number): Promise<tls.TLSSocket> {
  const socket = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
  await connected(socket);
  return socket;
}

export class SocketReader {
  closed = false;
  private waiters: Array<() => void> = [];

  constructor(socket: EventEmitter) {
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  /** Lets every waiting reader look again (new data, or the close). */
  protected wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves at the next wake, or after `ms` at the latest. */
  protected next(ms?: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = ms === undefined ? undefined : setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
