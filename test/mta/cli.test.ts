/**
 * The operator's commands for mail to other domains, through the real CLI
 * (`--json`): dkim generate / show, dns (with MTA-STS, TLS-RPT and the DANE TLSA
 * record of the server's certificate), queue list / show / retry / delete.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { testCert } from '../helpers/imap.js';
import { ensureBuilt, makeCli, type Cli } from '../cli/helpers.js';
import { openDb } from '../../src/store/db.js';
import { putBlob } from '../../src/store/blobs.js';
import { enqueueOutbound, queueRowsOf } from '../../src/store/outbound.js';
import { parseMessage } from '../../src/mime/parse.js';
import { checkHealth } from '../../src/ops/health.js';

let cli: Cli;
const HOST = { GOSPOCHTA_HOSTNAME: 'mail.example.org' };
/** A config file with `sections`, for one run. */
function writeConfig(sections: Record<string, unknown>): string {
  const f = join(cli.dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(f, JSON.stringify(sections));
  return f;
}
beforeAll(() => {
  ensureBuilt();
  cli = makeCli();
});

describe('gospochta dkim, dns, queue', () => {
  it('generates a DKIM key, shows it, and prints the records to publish', () => {
    const g = cli.run(['dkim', 'generate', 'example.org', '--selector', 's2026', '--json']);
    expect(g.status).toBe(0);
    expect(g.json).toMatchObject({ domain: 'example.org', selector: 's2026', name: 's2026._domainkey.example.org' });
    expect(String(g.json.txt)).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{300,}$/);
    expect(cli.run(['dkim', 'show', 'example.org', '--json']).json).toMatchObject({ selector: 's2026', txt: g.json.txt });
    const d = cli.run(['dns', 'example.org', '--json']);
    const records = d.json.records as Array<{ name: string; type: string; value: string }>;
    expect(records.map((r) => `${r.type} ${r.name}`)).toEqual([
      'MX example.org',
      'TXT example.org',
      'TXT s2026._domainkey.example.org',
      'TXT _dmarc.example.org',
      'TXT _mta-sts.example.org',
      'TXT _smtp._tls.example.org',
      `TLSA _25._tcp.${records[6]!.name.slice('_25._tcp.'.length)}`,
    ]);
    expect(records[1]!.value).toMatch(/^v=spf1 /);
    const ed = cli.run(['dkim', 'generate', 'example.org', '--selector', 'ed2026', '--algorithm', 'ed25519', '--json']);
    expect(ed.status).toBe(0);
    expect(ed.json).toMatchObject({ selector: 'ed2026', algorithm: 'ed25519-sha256' });
    expect(String(ed.json.txt)).toMatch(/^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/);
    const wrong = cli.run(['dkim', 'generate', 'example.org', '--algorithm', 'dsa']);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/must be rsa or ed25519/);
    expect(cli.run(['dkim', 'show', 'example.org', '--json']).json).toMatchObject({ selector: 'ed2026', txt: ed.json.txt });
    const bad = cli.run(['dkim', 'generate', 'other.test']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/other\.test is not served here/);
  });

  it('prints the MTA-STS record and policy, the TLS-RPT record and the TLSA record of the certificate', () => {
    const before = cli.run(['dns', 'example.org', '--json'], '', HOST);
    const find = (j: Record<string, unknown>, name: string) => (j.records as Array<{ name: string; value: string }>).find((r) => r.name === name)!;
    // No certificate yet (the server has not started): no record to compute, and the reason.
    expect(find(before.json, '_25._tcp.mail.example.org').value).toMatch(/start the server once/);
    const { cert } = testCert();
    mkdirSync(join(cli.dir, 'data', 'tls'), { recursive: true });
    writeFileSync(join(cli.dir, 'data', 'tls', 'cert.pem'), cert);
    const d = cli.run(['dns', 'example.org', '--json'], '', HOST);
    expect(d.status).toBe(0);
    const spki = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
    expect(find(d.json, '_25._tcp.mail.example.org').value).toBe(`3 1 1 ${createHash('sha256').update(spki).digest('hex')}`);
    expect((d.json.warnings as string[]).join('\n')).toMatch(/self-signed: .*the TLSA record must be changed with it/);
    expect(find(d.json, '_mta-sts.example.org').value).toMatch(/^v=STSv1; id=[0-9a-f]{20}$/);
    expect(find(d.json, '_smtp._tls.example.org').value).toBe('v=TLSRPTv1; rua=mailto:postmaster@example.org');
    expect(d.json.mtaStsPolicy).toEqual({ url: 'https://mta-sts.example.org/.well-known/mta-sts.txt', text: 'version: STSv1\r\nmode: testing\r\nmx: mail.example.org\r\nmax_age: 604800\r\n' });
    // Another mode is another policy, with another id (RFC 8461 §3.1).
    const enforce = cli.run(['dns', 'example.org', '--json'], '', { ...HOST, GOSPOCHTA_CONFIG: writeConfig({ mx: { mtaStsMode: 'enforce' } }) });
    expect((enforce.json.mtaStsPolicy as { text: string }).text).toMatch(/^mode: enforce\r$/m);
    expect(find(enforce.json, '_mta-sts.example.org').value).not.toBe(find(d.json, '_mta-sts.example.org').value);
    const text = cli.run(['dns', 'example.org'], '', HOST).stdout;
    expect(text).toMatch(/^_25\._tcp\.mail\.example\.org\. IN TLSA 3 1 1 [0-9a-f]{64} /m);
    expect(text).toContain('serve this MTA-STS policy at https://mta-sts.example.org/.well-known/mta-sts.txt:');
    expect(text).toMatch(/^ {4}mode: testing$/m);
  });

  it('lists, shows, retries and deletes a queued message', () => {
    const db = openDb(join(cli.dir, 'data'));
    const raw = Buffer.from('From: a@example.org\r\nTo: x@gov.test\r\nSubject: q\r\n\r\nhi\r\n');
    const blobId = putBlob(db, raw, parseMessage(raw), 2);
    enqueueOutbound(db, { queueId: 'QTEST1', mailboxId: null, sender: 'a@example.org', recipients: ['x@gov.test', 'y@gov.test'], blobId, at: Date.now() });
    const list = cli.run(['queue', 'list', '--json']);
    expect((list.json.queue as Array<{ id: string; recipient: string }>).map((r) => r.recipient)).toEqual(['x@gov.test', 'y@gov.test']);
    expect((cli.run(['queue', 'show', 'QTEST1', '--json']).json.recipients as unknown[]).length).toBe(2);
    expect(cli.run(['stats', '--json']).json.queue).toMatchObject({ length: 2 });
    expect(cli.run(['queue', 'retry', 'QTEST1', '--json']).json).toMatchObject({ retried: 2 });
    expect(cli.run(['queue', 'delete', 'QTEST1', '--json']).json).toMatchObject({ deleted: 2 });
    expect(queueRowsOf(db, 'QTEST1')).toEqual([]);
    expect((db.prepare('SELECT refcount FROM blobs WHERE id = ?').get(blobId) as { refcount: number }).refcount).toBe(0);
    const none = cli.run(['queue', 'show', 'NOPE']);
    expect(none.status).not.toBe(0);
    expect(none.stderr).toMatch(/no queued message NOPE/);
    db.close();
  });
});

describe('gospochta health and the queue', () => {
  it('warns when mail for other domains has waited over an hour', async () => {
    const dir = join(cli.dir, 'aged');
    const db = openDb(dir);
    const raw = Buffer.from('Subject: old\r\n\r\nx\r\n');
    const blobId = putBlob(db, raw, parseMessage(raw), 1);
    enqueueOutbound(db, { queueId: 'QOLD', mailboxId: null, sender: 'a@example.org', recipients: ['x@gov.test'], blobId, at: Date.now() - 2 * 3600_000 });
    db.close();
    const r = await checkHealth({ dataDir: dir, bind: '127.0.0.1', hostname: 'mail.test', smtp: { port: 1 }, imap: { port: 1 } } as never, { timeoutMs: 500 });
    expect(r.checks.database.detail).toMatch(/1 queued for other domains \(oldest \d+ s\)/);
    expect(r.warnings.join('\n')).toMatch(/mail for other domains has waited 1\d\d minutes \(1 queued\)/);
  });
});
