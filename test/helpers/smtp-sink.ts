/**
 * A receiving SMTP server on loopback for the tests of mail that leaves the
 * server (outbound routes, MX delivery, forwarding, relay): smtp-server with the
 * test certificate, no authentication, and every message handed to the test
 * whole, with its envelope and the session's TLS state.
 */
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { testCert } from './imap.js';

export interface SinkMessage {
  /** MAIL FROM address ('' for the null sender). */
  from: string;
  /** MAIL FROM parameters (SMTPUTF8, BODY, …). */
  args: Record<string, unknown>;
  to: string[];
  raw: Buffer;
  secure: boolean;
  helo: string;
}

export interface SmtpSinkOptions {
  port: number;
  /** Called for every message once its data has ended. */
  onMessage: (m: SinkMessage) => void;
  /** smtp-server options added to (or over) the defaults. */
  server?: Partial<SMTPServerOptions>;
}

/** Starts the sink listening on 127.0.0.1:`port`; resolves once it listens. */
export async function startSmtpSink(opts: SmtpSinkOptions): Promise<SMTPServer> {
  const { key, cert } = testCert();
  const sink = new SMTPServer({
    key,
    cert,
    authOptional: true,
    logger: false,
    ...opts.server,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mf = session.envelope.mailFrom as { address: string; args?: Record<string, unknown> } | false;
        opts.onMessage({
          from: mf ? mf.address : '',
          args: (mf && mf.args) || {},
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          secure: session.secure,
          helo: session.hostNameAppearsAs,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => sink.listen(opts.port, '127.0.0.1', () => r()));
  return sink;
}

/** Closes a sink started by `startSmtpSink` (or none). */
export function closeSmtpSink(sink: SMTPServer | undefined): Promise<void> {
  return new Promise<void>((r) => (sink ? sink.close(() => r()) : r()));
}
