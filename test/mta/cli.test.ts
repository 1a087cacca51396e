/**
 * The operator's commands for mail to other domains, through the real CLI
 * (`--json`): dkim generate / show, dns, queue list / show / retry / delete.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { join } from 'node:path';
import { ensureBuilt, makeCli, type Cli } from '../cli/helpers.js';
import { openDb } from '../../src/store/db.js';
import { putBlob } from '../../src/store/blobs.js';
import { enqueueOutbound, queueRowsOf } from '../../src/store/outbound.js';
import { parseMessage } from '../../src/mime/parse.js';
import { checkHealth } from '../../src/ops/health.js';

let cli: Cli;
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
    expect(records.map((r) => `${r.type} ${r.name}`)).toEqual(['MX example.org', 'TXT example.org', 'TXT s2026._domainkey.example.org', 'TXT _dmarc.example.org']);
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
