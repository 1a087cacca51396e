/**
 * The set-up of the outbound-mail tests (test/mta/): a receiving SMTP sink on a free
 * loopback port that keeps what it gets, a test DNS server, and the server under test
 * with the mailbox alice — started once for the file (beforeAll), closed after.
 *
 *   const f = useOutboundFixture({ config: ({ sinkPort }) => ({ outbound: { enabled: true, … } }) });
 *   it('…', async () => { await submitQueued(f.t, { from: f.alice, … }); f.received … });
 */
import { beforeAll, afterAll } from 'vitest';
import type { SMTPServer } from 'smtp-server';
import { startTestServer, type TestServer } from './server.js';
import { startTestDns, type TestDns } from './dns.js';
import { freePort } from './child-server.js';
import { startSmtpSink, closeSmtpSink, type SinkMessage, type SmtpSinkOptions } from './smtp-sink.js';

export interface OutboundFixture {
  readonly t: TestServer;
  readonly dns: TestDns;
  readonly sinkPort: number;
  readonly alice: string;
  /** What the sink received, in order. */
  readonly received: SinkMessage[];
}

export interface OutboundFixtureOptions {
  /** smtp-server options of the sink (e.g. an onRcptTo that refuses some addresses). */
  sink?: SmtpSinkOptions['server'];
  /** The server's config overrides, given the DNS server (with its records set) and the sink's port. */
  config: (x: { dns: TestDns; sinkPort: number }) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Runs once alice is provisioned. */
  ready?: (f: OutboundFixture) => void;
}

export function useOutboundFixture(o: OutboundFixtureOptions): OutboundFixture {
  let t: TestServer | undefined;
  let dns: TestDns | undefined;
  let sink: SMTPServer | undefined;
  let sinkPort = 0;
  let alice = '';
  const received: SinkMessage[] = [];
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`no ${what} (outside a test)`);
    return v;
  };
  const f: OutboundFixture = {
    get t() {
      return need(t, 'server');
    },
    get dns() {
      return need(dns, 'DNS server');
    },
    get sinkPort() {
      return sinkPort;
    },
    get alice() {
      return alice;
    },
    received,
  };
  beforeAll(async () => {
    sinkPort = await freePort();
    sink = await startSmtpSink({ port: sinkPort, server: o.sink, onMessage: (m) => received.push(m) });
    dns = await startTestDns();
    t = await startTestServer(await o.config({ dns, sinkPort }));
    alice = (await t.provision('alice')).address;
    o.ready?.(f);
  });
  afterAll(async () => {
    await t?.close();
    await closeSmtpSink(sink);
    await dns?.close();
  });
  return f;
}
