/**
 * Mail to other domains: a submission to a remote address is queued durably and
 * delivered to the "remote" server — an smtp-server on loopback reached through
 * `outbound.routes` — over STARTTLS, DKIM-signed with the domain's key (verified
 * there with mailauth against a test DNS server); an unreachable remote is tried
 * again, then the sender gets a delivery status notification (RFC 3464); a 5xx
 * answer returns the message at once; the operator's queue commands.
 */
import { describe, it, expect } from 'vitest';
import { dkimVerify } from 'mailauth';
import { submitQueued } from '../helpers/server.js';
import { useOutboundFixture } from '../helpers/outbound-fixture.js';
import { freePort } from '../helpers/child-server.js';
import { generateDkim } from '../../src/mta/dkim.js';
import { queueRowsOf } from '../../src/store/outbound.js';
import { dnsResolver } from '../../src/smtp/dns.js';
import { inboxTexts, until } from '../helpers/mailbox-content.js';

const f = useOutboundFixture({
  sink: {
    onRcptTo(address, _s, cb) {
      if (address.address.startsWith('nobody@')) return cb(Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 }));
      cb();
    },
  },
  config: async ({ sinkPort }) => {
    const deadPort = await freePort(); // nothing listens there
    return {
      outbound: { enabled: true, routes: { 'gov.test': `127.0.0.1:${sinkPort}`, 'down.test': `127.0.0.1:${deadPort}` }, firstRetrySeconds: 1, maxRetrySeconds: 1, giveUpSeconds: 3, pollMs: 200, timeoutMs: 5000 },
    };
  },
  ready: ({ t, dns }) => {
    const k = generateDkim(t.server.db, t.cfg, 'example.org', { selector: 'sel1' });
    dns.txt.set(k.name, k.txt);
  },
});

const inboxSubjects = () => inboxTexts(f.t.server.db, f.alice).map((r) => r.subject);
/** The queue row of `id` once delivery to it has given up. */
const bounced = (id: string) => until('bounce', () => queueRowsOf(f.t.server.db, id).find((r) => r.status === 'bounced'));

describe('mail to other domains', () => {
  it('queues, then delivers over STARTTLS, DKIM-signed; the signature verifies at the receiver', async () => {
    const s = f.t.smtp(f.alice);
    const info = await s.sendMail({ from: f.alice, to: 'minfin@gov.test', subject: 'Запрос в министерство', text: 'Прошу разъяснить.' });
    s.close();
    expect(info.response).toMatch(/^250 2\.0\.0 Message accepted for delivery: queued as (\S+)/);
    const id = /queued as (\S+)/.exec(info.response)![1]!;
    const got = await until('delivery', () => f.received.find((r) => r.to.includes('minfin@gov.test')));
    expect(got.from).toBe(f.alice);
    expect(got.secure).toBe(true);
    const v = await dkimVerify(got.raw, { resolver: dnsResolver([f.dns.address]) as never });
    expect(v.results.map((r: { status: { result: string } }) => r.status.result)).toEqual(['pass']);
    await until('sent row', () => queueRowsOf(f.t.server.db, id).every((r) => r.status === 'sent') || undefined);
  });

  it('tries an unreachable remote again, then returns a delivery report to the sender', async () => {
    const id = await submitQueued(f.t, { from: f.alice, to: 'clerk@down.test', subject: 'to a dead server', text: 'x' });
    const row = await bounced(id);
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    const subjects = await until('report', () => (inboxSubjects().some((x) => /письмо не доставлено/i.test(x)) ? inboxSubjects() : undefined));
    expect(subjects.filter((x) => /undelivered mail returned to sender/i.test(x)).length).toBeGreaterThanOrEqual(1);
  });

  it('returns a message refused with 5xx at once, naming the remote answer', async () => {
    const before = inboxSubjects().length;
    const id = await submitQueued(f.t, { from: f.alice, to: 'nobody@gov.test', subject: 'to nobody', text: 'x' });
    const row = await bounced(id);
    expect(row.attempts).toBe(1);
    expect(row.last_error).toMatch(/550 .*No such user here/);
    await until('report', () => (inboxSubjects().length > before ? true : undefined));
    const report = f.t.server.db.prepare(`SELECT s.body FROM blob_search s WHERE s.subject LIKE '%Undelivered%' ORDER BY s.blob_id DESC LIMIT 1`).get() as { body: string };
    expect(report.body).toMatch(/nobody@gov\.test/);
  });

  it('counts remote recipients toward the daily limit', () => {
    const sent = f.t.server.db.prepare('SELECT sum(recipients) AS n FROM send_events WHERE mailbox_id = (SELECT id FROM mailboxes WHERE address = ?)').get(f.alice) as { n: number };
    expect(sent.n).toBe(3);
  });
});
