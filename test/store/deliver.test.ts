import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { applyKey, findKey, openDatabaseFile } from '../../src/store/key.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPragmas, dbPath, openDb, type Db } from '../../src/store/db.js';
import { EventBus, type ChangeEvent } from '../../src/events/bus.js';
import { Writer } from '../../src/store/deliver.js';
import { blobInfo, readBlob } from '../../src/store/blobs.js';
import { getFolder } from '../../src/store/folders.js';
import { getMessages, listUids, storeFlags } from '../../src/store/messages.js';
import { FLAG_SEEN } from '../../src/store/flags.js';
import { addMailbox, parsedFor, rawMessage } from './helpers.js';

let dir: string;
let db: Db;
let commits: number;
let mailboxId: number;
let bus: EventBus;

/** The store opened with a statement trace, to count COMMITs independently of the Writer. */
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gp-deliver-'));
  openDb(dir).close(); // create + migrate
  commits = 0;
  db = new Database(dbPath(dir), {
    verbose: (sql) => {
      if (String(sql).trim().toUpperCase() === 'COMMIT') commits++;
    },
  });
  applyKey(db, findKey(dir)!);
  applyPragmas(db);
  mailboxId = addMailbox(db);
  bus = new EventBus();
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const folder = (name: string) => getFolder(db, mailboxId, name)!.id;

describe('Writer (group commit)', () => {
  it('commits 50 concurrent deliveries in fewer transactions, all stored', async () => {
    const w = new Writer(db, bus);
    const inbox = folder('INBOX');
    const raws = Array.from({ length: 50 }, (_, i) => rawMessage(`gc-${i}`, 10_000));
    const before = commits;
    const results = await Promise.all(
      raws.map((raw) => w.deliver({ raw, parsed: parsedFor(raw), targets: [{ folderId: inbox }] })),
    );
    const txns = commits - before;
    expect(results.map((r) => r.targets[0]!.uid).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(listUids(db, inbox).length).toBe(50);
    for (const [i, r] of results.entries()) expect(readBlob(db, r.blobId).equals(raws[i]!)).toBe(true);
    expect(w.stats.requests).toBe(50);
    expect(w.stats.batches).toBeLessThan(50);
    expect(txns).toBe(w.stats.batches);
    expect(txns).toBeLessThan(50);
  });

  it('publishes events only after commit, merged per folder', async () => {
    const w = new Writer(db, bus);
    const inbox = folder('INBOX');
    const other = openDatabaseFile(dbPath(dir), { readonly: true });
    const seen: Array<{ ev: ChangeEvent; visible: number }> = [];
    bus.subscribe((ev) => {
      // Another connection sees the rows only if they are committed.
      const visible = other.prepare('SELECT count(*) FROM messages WHERE folder_id = ?').pluck().get(inbox) as number;
      seen.push({ ev, visible });
    });
    const raws = Array.from({ length: 5 }, (_, i) => rawMessage(`ev-${i}`));
    await Promise.all(raws.map((raw) => w.deliver({ raw, parsed: parsedFor(raw), targets: [{ folderId: inbox }] })));
    other.close();
    expect(seen.length).toBe(1);
    expect(seen[0]!.ev).toMatchObject({ type: 'exists', folderId: inbox, uids: [1, 2, 3, 4, 5] });
    expect(seen[0]!.visible).toBe(5);
  });

  it('stores a message once for several targets, with per-target flags', async () => {
    const w = new Writer(db, bus);
    const raw = rawMessage('multi');
    const r = await w.deliver({
      raw,
      parsed: parsedFor(raw),
      storedAt: 1234,
      targets: [
        { folderId: folder('INBOX') },
        { folderId: folder('Sent'), flags: FLAG_SEEN, keywords: '$Sent', internalDate: 99 },
        { folderId: folder('Archive') },
      ],
    });
    expect(r.targets.map((t) => t.uid)).toEqual([1, 1, 1]);
    expect(blobInfo(db, r.blobId)!.refcount).toBe(3);
    expect(db.prepare('SELECT count(*) FROM blobs').pluck().get()).toBe(1);
    expect(getMessages(db, folder('Sent'), [1])[0]).toMatchObject({
      blobId: r.blobId,
      flags: FLAG_SEEN,
      keywords: '$Sent',
      internalDate: 99,
      storedAt: 1234,
    });
    expect(getMessages(db, folder('INBOX'), [1])[0]).toMatchObject({ internalDate: 1234, storedAt: 1234 });
  });

  it('fails only the request that throws; `extra` rows commit with their message', async () => {
    const w = new Writer(db, bus);
    const inbox = folder('INBOX');
    const good = rawMessage('good');
    const bad = rawMessage('bad');
    const bad2 = rawMessage('bad2');
    const sendEvent = (d: Db) =>
      d.prepare('INSERT INTO send_events (mailbox_id, at, recipients) VALUES (?, ?, 1)').run(mailboxId, Date.now());
    const before = commits;
    const [a, b, c] = await Promise.allSettled([
      w.deliver({ raw: good, parsed: parsedFor(good), targets: [{ folderId: inbox }], extra: sendEvent }),
      w.deliver({
        raw: bad,
        parsed: parsedFor(bad),
        targets: [{ folderId: inbox }],
        extra: (d) => {
          sendEvent(d);
          throw new Error('limit reached');
        },
      }),
      w.deliver({ raw: bad2, parsed: parsedFor(bad2), targets: [{ folderId: 424242 }] }),
    ]);
    expect(commits - before).toBe(1);
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    expect((b as PromiseRejectedResult).reason.message).toBe('limit reached');
    expect(c.status).toBe('rejected');
    expect(listUids(db, inbox)).toEqual([1]);
    expect(db.prepare('SELECT count(*) FROM send_events').pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM blobs').pluck().get()).toBe(1);
    // The failed requests used no uids.
    const next = await w.deliver({ raw: bad, parsed: parsedFor(bad), targets: [{ folderId: inbox }] });
    expect(next.targets[0]!.uid).toBe(2);
  });

  it('runs other writes in the same group commit', async () => {
    const w = new Writer(db, bus);
    const inbox = folder('INBOX');
    const raw = rawMessage('run');
    await w.deliver({ raw, parsed: parsedFor(raw), targets: [{ folderId: inbox }] });
    const events: ChangeEvent[] = [];
    bus.subscribe((ev) => events.push(ev));
    const changed = await w.run((d) => {
      const r = storeFlags(d, { folderId: inbox, uids: [1], mode: 'add', flags: FLAG_SEEN, keywords: [] });
      return { value: r.changed.length, events: r.events };
    });
    expect(changed).toBe(1);
    expect(events).toEqual([expect.objectContaining({ type: 'flags', folderId: inbox, uids: [1] })]);
  });
});

describe('Writer shutdown', () => {
  it('drain waits for queued requests; close refuses new ones', async () => {
    const w = new Writer(db, bus);
    await w.drain(); // idle: resolves at once
    const inbox = folder('INBOX');
    let done = 0;
    const all = Array.from({ length: 10 }, (_, i) => {
      const raw = rawMessage(`drain-${i}`);
      return w.deliver({ raw, parsed: parsedFor(raw), targets: [{ folderId: inbox }] }).then(() => done++);
    });
    expect(w.pending).toBe(10);
    await w.close();
    expect(w.pending).toBe(0);
    expect(listUids(db, inbox).length).toBe(10);
    await Promise.all(all);
    expect(done).toBe(10);
    const raw = rawMessage('late');
    await expect(w.deliver({ raw, parsed: parsedFor(raw), targets: [{ folderId: inbox }] })).rejects.toMatchObject({
      code: 'SHUTTING_DOWN',
    });
  });
});

describe('Writer when another process holds the write lock', () => {
  it('rejects the batch with a temporary STORE_BUSY and recovers', async () => {
    const w = new Writer(db, bus);
    const inbox = folder('INBOX');
    db.pragma('busy_timeout = 100');
    const other = openDatabaseFile(dbPath(dir));
    other.exec('BEGIN IMMEDIATE');
    const events: ChangeEvent[] = [];
    bus.subscribe((ev) => events.push(ev));
    const raw = rawMessage('busy');
    await expect(w.deliver({ raw, parsed: parsedFor(raw), targets: [{ folderId: inbox }] })).rejects.toMatchObject({
      code: 'STORE_BUSY',
      temporary: true,
    });
    expect(events).toEqual([]); // nothing committed, nothing announced
    other.exec('ROLLBACK');
    other.close();
    const r = await w.deliver({ raw, parsed: parsedFor(raw), targets: [{ folderId: inbox }] });
    expect(r.targets[0]!.uid).toBe(1);
  });
});

describe('Writer waiting for another process\'s write lock', () => {
  it('keeps the event loop running while it waits, and commits once the lock is free', async () => {
    const w = new Writer(db, bus);
    const inbox = folder('INBOX');
    const other = openDatabaseFile(dbPath(dir));
    other.exec('BEGIN IMMEDIATE');
    const raw = rawMessage('lock-wait');
    let stored = false;
    const done = w.deliver({ raw, parsed: parsedFor(raw), targets: [{ folderId: inbox }] }).then((r) => ((stored = true), r));
    // Timers fire while the batch waits: SQLite's busy handler would have slept the whole thread.
    const started = Date.now();
    let ticks = 0;
    while (Date.now() - started < 100) {
      await new Promise((r) => setTimeout(r, 5));
      ticks++;
    }
    expect(ticks).toBeGreaterThan(5);
    expect(stored).toBe(false);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(10_000); // restored between tries
    other.exec('COMMIT');
    other.close();
    const r = await done;
    expect(r.targets[0]!.uid).toBe(1);
    expect(listUids(db, inbox)).toEqual([1]);
    expect(w.stats.batches).toBe(1);
  });
});

describe('Writer batch limits', () => {
  it('splits batches by count and by bytes, one request at least', async () => {
    const w = new Writer(db, bus, { maxBatch: 4, maxBatchBytes: 25_000 });
    const inbox = folder('INBOX');
    const small = Array.from({ length: 10 }, (_, i) => rawMessage(`lim-${i}`, 1_000));
    await Promise.all(small.map((raw) => w.deliver({ raw, parsed: parsedFor(raw), targets: [{ folderId: inbox }] })));
    expect(w.stats.maxBatch).toBe(4);
    expect(w.stats.batches).toBe(3);
    const big = Array.from({ length: 3 }, (_, i) => rawMessage(`big-${i}`, 30_000)); // each above the byte budget
    await Promise.all(big.map((raw) => w.deliver({ raw, parsed: parsedFor(raw), targets: [{ folderId: inbox }] })));
    expect(w.stats.batches).toBe(6);
    expect(listUids(db, inbox).length).toBe(13);
  });
});
