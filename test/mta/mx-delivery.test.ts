/**
 * Mail to other domains delivered by MX look-up, without a route: the runner asks
 * the test DNS server (`dns.servers`) for the recipient domain's MX and its
 * address, connects there (the test's `outbound.mxPort`), upgrades with STARTTLS
 * and hands over the message DKIM-signed — RSA, then Ed25519 (RFC 8463), both
 * verified at the receiver with mailauth. A domain whose MX does not answer earns
 * its sender one "delayed" report (RFC 3464) while the queue keeps trying, and the
 * queue's length and oldest age show in the metrics.
 */
import { describe, it, expect } from 'vitest';
import { dkimVerify } from 'mailauth';
import { submitQueued } from '../helpers/server.js';
import { useOutboundFixture } from '../helpers/outbound-fixture.js';
import { generateDkim } from '../../src/mta/dkim.js';
import { deleteQueued, queueRowsOf } from '../../src/store/outbound.js';
import { dnsResolver } from '../../src/smtp/dns.js';
import { metrics, METRIC } from '../../src/shared/metrics.js';
import { inboxTexts, until } from '../helpers/mailbox-content.js';

const f = useOutboundFixture({
  config: ({ dns, sinkPort }) => {
    // remote.test: two MX hosts, the preferred one (10) has an address nobody listens on;
    // the runner goes on to the next by preference (RFC 5321 §5.1).
    dns.mx.set('remote.test', [
      { exchange: 'mx2.remote.test', priority: 20 },
      { exchange: 'mx1.remote.test', priority: 10 },
    ]);
    dns.a.set('mx1.remote.test', ['127.0.0.3']);
    dns.a.set('mx2.remote.test', ['127.0.0.1']);
    // slow.test: its only MX does not answer.
    dns.mx.set('slow.test', [{ exchange: 'mx.slow.test', priority: 10 }]);
    dns.a.set('mx.slow.test', ['127.0.0.2']);
    return {
      dns: { servers: [dns.address] },
      outbound: { enabled: true, mxPort: sinkPort, firstRetrySeconds: 1, maxRetrySeconds: 1, giveUpSeconds: 3600, delayNoticeSeconds: 1, pollMs: 200, timeoutMs: 5000 },
    };
  },
});

const send = (to: string, subject: string) => submitQueued(f.t, { from: f.alice, to, subject, text: 'Текст письма.' });
const reports = () => inboxTexts(f.t.server.db, f.alice);

async function verified(raw: Buffer): Promise<Array<{ result: string; algo: string }>> {
  const v = await dkimVerify(raw, { resolver: dnsResolver([f.dns.address]) as never });
  return v.results.map((r: { status: { result: string }; algo?: string }) => ({ result: r.status.result, algo: r.algo ?? '' }));
}

describe('delivery by MX look-up', () => {
  it('finds the MX through the configured DNS, skips a dead host, delivers over STARTTLS, RSA-signed', async () => {
    const k = generateDkim(f.t.server.db, f.t.cfg, 'example.org', { selector: 'rsa1' });
    f.dns.txt.set(k.name, k.txt);
    const id = await send('clerk@remote.test', 'по MX');
    const got = await until('delivery', () => f.received.find((r) => r.to.includes('clerk@remote.test')));
    expect(got.secure).toBe(true);
    expect(got.helo).toBe('mail.example.org');
    expect(await verified(got.raw)).toEqual([{ result: 'pass', algo: 'rsa-sha256' }]);
    const row = await until('sent row', () => queueRowsOf(f.t.server.db, id).find((r) => r.status === 'sent'));
    expect(row.remote).toBe('mx2.remote.test');
  });

  it('signs with an Ed25519 key (RFC 8463) that verifies at the receiver', async () => {
    const k = generateDkim(f.t.server.db, f.t.cfg, 'example.org', { selector: 'ed1', algorithm: 'ed25519' });
    expect(k.txt).toMatch(/^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/);
    f.dns.txt.set(k.name, k.txt);
    await send('ed@remote.test', 'ed25519');
    const got = await until('delivery', () => f.received.find((r) => r.to.includes('ed@remote.test')));
    expect(await verified(got.raw)).toEqual([{ result: 'pass', algo: 'ed25519-sha256' }]);
    // A wrong published key fails: the signature is really checked.
    const other = generateDkim(f.t.server.db, f.t.cfg, 'example.org', { selector: 'ed1', algorithm: 'ed25519' });
    f.dns.txt.set(k.name, other.txt);
    expect((await verified(got.raw))[0]!.result).not.toBe('pass');
    f.dns.txt.set(k.name, k.txt);
  });

  it('tells the sender once that delivery is delayed, keeps trying, and shows the queue in the metrics', async () => {
    const id = await send('clerk@slow.test', 'медленный адресат');
    const delayed = await until('delay report', () => reports().find((r) => /delay\)/i.test(r.subject)));
    expect(delayed.subject).toMatch(/доставка письма задерживается/i);
    expect(delayed.body).toMatch(/clerk@slow\.test/);
    // More attempts after the report: still queued, and still only one report.
    await until('three attempts', () => (queueRowsOf(f.t.server.db, id)[0]!.attempts >= 3 ? true : undefined));
    const row = queueRowsOf(f.t.server.db, id)[0]!;
    expect(row.status).not.toBe('bounced');
    expect(row.delay_notice_at).not.toBeNull();
    expect(reports().filter((r) => /delay\)/i.test(r.subject))).toHaveLength(1);
    expect(reports().some((r) => /undelivered/i.test(r.subject))).toBe(false);
    await until('queue gauges', () => (metrics.get(METRIC.outboundQueueLength) === 1 && metrics.get(METRIC.outboundQueueOldest) >= 1 ? true : undefined));
    expect(metrics.render()).toMatch(/^gospochta_outbound_queue_length 1$/m);
    expect(deleteQueued(f.t.server.db, id)).toBe(1);
    await until('empty queue gauge', () => (metrics.get(METRIC.outboundQueueLength) === 0 ? true : undefined));
    expect(metrics.get(METRIC.outboundQueueOldest)).toBe(0);
  });
});
