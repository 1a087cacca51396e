/** An imapflow client of the test server: loopback, implicit TLS with the self-signed certificate, no logging. */
import { ImapFlow, type ImapFlowOptions } from 'imapflow';

export function imapFlowClient(port: number, user: string, pass: string, extra: Partial<ImapFlowOptions> = {}): ImapFlow {
  return new ImapFlow({ ...extra, host: '127.0.0.1', port, secure: true, tls: { rejectUnauthorized: false }, auth: { user, pass }, logger: false });
}
