/**
 * The Writer's durability (src/store/wal-sync.ts): each group commit runs with
 * synchronous=NORMAL and its requests are answered only after the WAL has been
 * fsynced off the event loop; the connection's own setting (FULL) is back after
 * every batch; a WAL that cannot be synced fails the batch's requests (nobody is
 * told "stored"), and drain() waits for syncs in flight.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dbPath, type Db } from '../../src/store/db.js';
import { EventBus } from '../../src/events/bus.js';
import { Writer } from '../../src/store/deliver.js';
import { WalSync } from '../../src/store/wal-sync.js';
import { listUids } from '../../src/store/messages.js';
import { parsedFor, rawMessage, setup, tracedStore, type TracedStore } from './helpers.js';

describe('the Writer syncs the WAL before it answers', () => {
  let t: TracedStore;
  let db: Db;
  let trace: string[];
  let inbox: number;
  let dir: string;

  beforeEach(() => {
    t = tracedStore();
    ({ db, trace, inbox, dir } = t);
  });
  afterEach(() => t.close());

  it('commits with synchronous=NORMAL and gives the connection back with FULL', async () => {
    const w = new Writer(db, new EventBus());
    const raw = rawMessage('durable', 2000);
    trace.length = 0;
    const r = await w.deliver({ raw, parsed: parsedFor(raw), targets: [{ folderId: inbox }] });
    const commit = trace.indexOf('COMMIT');
    expect(commit).toBeGreaterThan(0);
    expect(trace.slice(0, commit)).toContain('PRAGMA synchronous = NORMAL');
    expect(trace.slice(commit)).toContain('PRAGMA synchronous = 2');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(listUids(db, inbox)).toEqual([r.targets[0]!.uid]);
  });

  it('tells no request "stored" when the WAL cannot be synced, and drain() waits for the sync', async () => {
    const w = new Writer(db, new EventBus());
    const raw = rawMessage('not-synced', 2000);
    // the WAL file exists (the set-up wrote to it); moved away, the sync cannot open it
    renameSync(`${dbPath(dir)}-wal`, `${dbPath(dir)}-wal.moved`);
    try {
      const p = w.deliver({ raw, parsed: parsedFor(raw), targets: [{ folderId: inbox }] });
      p.catch(() => undefined);
      await w.drain();
      await expect(p).rejects.toMatchObject({ code: 'STORE_SYNC', temporary: true });
      expect(w.pending).toBe(0);
    } finally {
      renameSync(`${dbPath(dir)}-wal.moved`, `${dbPath(dir)}-wal`);
    }
  });
});

describe('WalSync', () => {
  it('coalesces syncs asked for while one is in flight into one that starts after it', async () => {
    const f = setup();
    try {
      const s = new WalSync(`${dbPath(f.dir)}-wal`);
      const first = s.sync();
      const second = s.sync();
      const third = s.sync();
      expect(third).toBe(second);
      expect(second).not.toBe(first);
      await Promise.all([first, second, third]);
      // idle again: a new call starts a new sync
      const fourth = s.sync();
      expect(fourth).not.toBe(second);
      await fourth;
    } finally {
      f.close();
    }
  });

  it('keeps the WAL open between syncs but syncs the file now at its path (a rotation swaps it)', async () => {
    const f = setup();
    const wal = `${dbPath(f.dir)}-wal`;
    const s = new WalSync(wal);
    try {
      await s.sync();
      renameSync(wal, `${wal}.moved`);
      await expect(s.sync()).rejects.toMatchObject({ code: 'ENOENT' });
      writeFileSync(wal, '');
      await s.sync();
    } finally {
      s.close();
      rmSync(wal, { force: true });
      renameSync(`${wal}.moved`, wal);
      f.close();
    }
  });

  it('fails when the file is not there', async () => {
    await expect(new WalSync('/nonexistent/gospochta.sqlite-wal').sync()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

