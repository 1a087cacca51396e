/**
 * Random sequences of deliveries, copies, moves, expunges, folder deletes and
 * garbage collection keep the store's invariants: every blob's refcount equals the
 * messages that point at it, referenced blobs keep all their chunks, uids stay below
 * uidnext and are never reused, expunged uids are gone from their folder.
 */
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import { Writer } from '../../src/store/deliver.js';
import { collectGarbage, readBlob } from '../../src/store/blobs.js';
import { createFolder, deleteFolder, getFolderById } from '../../src/store/folders.js';
import { copyMessages, expungeMessages, listUids, moveMessages, storeFlags } from '../../src/store/messages.js';
import { parsedFor, rawMessage, useStore } from './helpers.js';

const fx = useStore();

function checkInvariants(seenUids: Map<number, Set<number>>): void {
  const db = fx.db;
  const drift = db
    .prepare(
      `SELECT b.id, b.refcount, (SELECT count(*) FROM messages m WHERE m.blob_id = b.id) AS used FROM blobs b
        WHERE b.refcount <> (SELECT count(*) FROM messages m WHERE m.blob_id = b.id)`,
    )
    .all();
  expect(drift).toEqual([]);
  const missing = db
    .prepare(
      `SELECT b.id FROM blobs b WHERE b.refcount > 0
          AND (SELECT count(*) FROM blob_chunks c WHERE c.blob_id = b.id) <> max(1, (b.size + b.chunk_size - 1) / b.chunk_size)`,
    )
    .all();
  expect(missing).toEqual([]);
  const over = db
    .prepare('SELECT m.folder_id, m.uid FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.uid >= f.uidnext')
    .all();
  expect(over).toEqual([]);
  const back = db
    .prepare('SELECT e.folder_id, e.uid FROM expunged e JOIN messages m ON m.folder_id = e.folder_id AND m.uid = e.uid')
    .all();
  expect(back).toEqual([]);
  // uids never reused: every uid ever seen in a folder is either present or expunged, and new ones are larger.
  for (const [folderId, seen] of seenUids) {
    if (!getFolderById(db, folderId)) continue;
    const now = new Set(listUids(db, folderId));
    const gone = new Set(
      db.prepare('SELECT uid FROM expunged WHERE folder_id = ?').pluck().all(folderId) as number[],
    );
    for (const u of seen) expect(now.has(u) || gone.has(u)).toBe(true);
  }
}

describe('store invariants under random operations', () => {
  it('hold after 400 random operations', async () => {
    const w = new Writer(fx.db, new EventBus());
    const folders = [fx.folder('INBOX'), fx.folder('Sent'), fx.folder('Archive'), fx.folder('Trash')];
    const seen = new Map<number, Set<number>>();
    const note = (folderId: number, uids: number[]) => {
      let s = seen.get(folderId);
      if (!s) seen.set(folderId, (s = new Set()));
      for (const u of uids) {
        expect(s.has(u)).toBe(false); // a uid is never handed out twice
        s.add(u);
      }
    };
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const pick = <T>(a: T[]) => a[rnd(a.length)]!;
    const bodies = Array.from({ length: 12 }, (_, i) => rawMessage(`inv-${i}`, 200 + i * 20_000)); // some repeat → dedup
    let extra = 0;

    for (let step = 0; step < 400; step++) {
      const op = rnd(10);
      const from = pick(folders);
      const uids = listUids(fx.db, from);
      const some = uids.filter(() => rnd(3) === 0);
      if (op <= 2) {
        const raw = pick(bodies);
        const targets = folders.filter(() => rnd(2) === 0);
        if (!targets.length) targets.push(from);
        const batch = await Promise.all(
          [0, 1, 2].map(() => w.deliver({ raw, parsed: parsedFor(raw), targets: targets.map((folderId) => ({ folderId })) })),
        );
        for (const r of batch) for (const t of r.targets) note(t.folderId, [t.uid]);
      } else if (op === 3) {
        const to = pick(folders);
        note(to, copyMessages(fx.db, from, some, to).dstUids);
      } else if (op === 4) {
        const to = pick(folders);
        note(to, moveMessages(fx.db, from, some, to).dstUids);
      } else if (op === 5) {
        expungeMessages(fx.db, from, some);
      } else if (op === 6) {
        storeFlags(fx.db, { folderId: from, uids: some, mode: pick(['add', 'remove', 'set'] as const), flags: rnd(32), keywords: rnd(2) ? [] : ['$K'] });
      } else if (op === 7) {
        collectGarbage(fx.db, 1 + rnd(5));
      } else if (op === 8 && rnd(4) === 0) {
        // A temporary folder with messages, then deleted.
        const f = createFolder(fx.db, fx.mailboxId, `Tmp${extra++}`);
        note(f.id, copyMessages(fx.db, from, uids, f.id).dstUids);
        deleteFolder(fx.db, fx.mailboxId, f.name);
        seen.delete(f.id);
      } else {
        await w.run((db) => {
          const r = expungeMessages(db, from, some.slice(0, 2));
          return { value: r, events: r.events };
        });
      }
      if (step % 50 === 0) checkInvariants(seen);
    }
    checkInvariants(seen);
    // Every referenced blob still reads back whole.
    for (const id of fx.db.prepare('SELECT DISTINCT blob_id FROM messages').pluck().all() as number[]) {
      expect(bodies.some((b) => b.equals(readBlob(fx.db, id)))).toBe(true);
    }
    // Expunge everything, collect: only the newest blob may remain (ids are never reused).
    for (const f of folders) expungeMessages(fx.db, f, listUids(fx.db, f));
    while (collectGarbage(fx.db, 100).blobs > 0);
    expect(fx.db.prepare('SELECT count(*) FROM blobs').pluck().get()).toBeLessThanOrEqual(1);
    checkInvariants(seen);
  });
});
