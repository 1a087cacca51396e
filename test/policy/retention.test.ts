/**
 * The 180-day retention purge: by stored_at, in every folder; IDLE clients see the
 * EXPUNGE; blobs and the file shrink; --dry-run changes nothing; two purges in two
 * processes racing deliveries count every message exactly once.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { parseMessage } from '../../src/mime/parse.js';
import { getFolder } from '../../src/store/folders.js';
import { runPurge, DAY_MS } from '../../src/policy/retention.js';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');

function raw(subject: string, size = 200): Buffer {
  return Buffer.from(`From: <a@example.org>\r\nTo: <b@example.org>\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@x>\r\n\r\n${'y'.repeat(size)}\r\n`);
}

async function store(t: TestServer, mailboxId: number, folder: string, subject: string, ageDays: number, size = 200): Promise<number> {
  const f = getFolder(t.server.db, mailboxId, folder)!;
  const r = raw(subject, size);
  const res = await t.server.writer.deliver({ raw: r, parsed: parseMessage(r), targets: [{ folderId: f.id }], storedAt: Date.now() - ageDays * DAY_MS });
  return res.targets[0]!.uid;
}

function refcountsConsistent(t: TestServer): boolean {
  const bad = t.server.db
    .prepare(`SELECT count(*) AS n FROM blobs b WHERE b.refcount <> (SELECT count(*) FROM messages m WHERE m.blob_id = b.id) AND b.refcount > 0`)
    .get() as { n: number };
  return bad.n === 0;
}

describe('retention purge', () => {
  let t: TestServer;
  let bob: { address: string; mailboxId: number };
  beforeAll(async () => {
    t = await startTestServer();
    bob = await t.provision('bob');
  });
  afterAll(async () => t?.close());

  it('purges what was stored 181 days ago from every folder, keeps 179 days, tells IDLE clients, shrinks the file', async () => {
    const oldInbox = await store(t, bob.mailboxId, 'INBOX', 'old-inbox', 181, 3_000_000);
    await store(t, bob.mailboxId, 'Archive', 'old-archive', 181, 3_000_000);
    const young = await store(t, bob.mailboxId, 'INBOX', 'young', 179);
    // An old Date: field does not matter, only when the server stored it.
    const r = Buffer.from('From: <a@example.org>\r\nDate: Mon, 1 Jan 2001 00:00:00 +0000\r\nSubject: imported\r\n\r\nold letter\r\n');
    await t.server.writer.deliver({ raw: r, parsed: parseMessage(r), targets: [{ folderId: getFolder(t.server.db, bob.mailboxId, 'INBOX')!.id, internalDate: Date.UTC(2001, 0, 1) }] });

    const c = await t.imap(bob.address);
    const lock = await c.getMailboxLock('INBOX');
    const expunged: number[] = [];
    c.on('expunge', (e: { seq: number }) => expunged.push(e.seq));
    const idle = c.idle();

    const dry = await runPurge({ db: t.server.db, cfg: t.cfg, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, messages: 2 });
    expect((t.server.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n).toBe(4);

    const before = t.server.db.pragma('page_count', { simple: true }) as number;
    const rep = await runPurge({ db: t.server.db, cfg: t.cfg, bus: t.server.bus });
    expect(rep.messages).toBe(2);
    expect(rep.perMailbox).toEqual([{ address: bob.address, messages: 2, bytes: rep.bytes }]);
    expect(rep.blobs).toBe(2);
    expect(t.server.db.pragma('page_count', { simple: true }) as number).toBeLessThan(before - 1000);
    const left = t.server.db.prepare(`SELECT s.subject FROM messages m JOIN blob_search s ON s.blob_id = m.blob_id ORDER BY m.id`).all() as Array<{ subject: string }>;
    expect(left.map((x) => x.subject)).toEqual(['young', 'imported']);
    expect(young).toBeGreaterThan(oldInbox);

    for (let i = 0; i < 50 && expunged.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(expunged).toEqual([1]);
    void idle;
    lock.release();
    await c.logout();
    const run = t.server.db.prepare(`SELECT count(*) AS n FROM audit_events WHERE action = 'purge'`).get() as { n: number };
    expect(run.n).toBe(1);
    expect(refcountsConsistent(t)).toBe(true);
  });
});

describe('two purges in two processes while deliveries go on', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ retention: { batchSize: 50 } });
  });
  afterAll(async () => t?.close());

  it('count every old message exactly once, lose and double-free nothing', async () => {
    const mb = await t.provision('carol');
    const OLD = 600;
    for (let i = 0; i < OLD; i++) await store(t, mb.mailboxId, i % 2 ? 'INBOX' : 'Archive', `old${i % 40}`, 200); // shared blobs
    const env: NodeJS.ProcessEnv = { ...process.env, GOSPOCHTA_DATA_DIR: t.cfg.dataDir, GOSPOCHTA_DOMAINS: 'example.org', GOSPOCHTA_CONFIG: '' };
    delete env.GOSPOCHTA_CONFIG;
    let delivering = true;
    let delivered = 0;
    const deliveries = (async () => {
      while (delivering) {
        await store(t, mb.mailboxId, 'INBOX', `new${delivered++}`, 0);
      }
    })();
    const purge = () => run(process.execPath, [join(repo, 'bin/gospochta.js'), 'purge', '--json'], { env, cwd: t.dir }).then((r) => JSON.parse(r.stdout) as { messages: number });
    const [a, b] = await Promise.all([purge(), purge()]);
    delivering = false;
    await deliveries;
    expect(a.messages + b.messages).toBe(OLD);
    const left = t.server.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number };
    expect(left.n).toBe(delivered);
    expect(t.server.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(refcountsConsistent(t)).toBe(true);
    const orphans = t.server.db.prepare('SELECT count(*) AS n FROM messages m LEFT JOIN blobs b ON b.id = m.blob_id WHERE b.id IS NULL').get() as { n: number };
    expect(orphans.n).toBe(0);
  }, 120_000);
});
