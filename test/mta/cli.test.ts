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
