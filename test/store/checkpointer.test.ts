/**
 * The Checkpointer (store/checkpointer.ts): with a server connection's own
 * checkpoints pushed out to 64 MB of WAL, the database file grows only when the
 * checkpoint thread copies the WAL into it. So the file's size tells whether the
 * thread ran: it grows while the thread runs, stays put while it is parked, and
 * grows again once it is resumed.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dbPath, openDb, type Db } from '../../src/store/db.js';
import { lateAutoCheckpoint, startCheckpointer, type Checkpointer } from '../../src/store/checkpointer.js';
import { silentLogger } from '../../src/shared/logger.js';

let dir: string;
let db: Db;
let cp: Checkpointer;

const fileBytes = () => statSync(dbPath(dir)).size;
const walBytes = () => statSync(dbPath(dir) + '-wal').size;

/** About `mb` MB of new pages, committed. */
function write(mb: number): void {
  const ins = db.prepare("INSERT INTO audit_events (at, actor, subject, action, details) VALUES (0, 'system', 'test', 'test.fill', ?)");
  const pad = 'x'.repeat(3000);
  db.transaction(() => {
    for (let i = 0; i < mb * 320; i++) ins.run(pad + i);
  })();
}

async function until(cond: () => boolean, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gp-ckpt-'));
  db = lateAutoCheckpoint(openDb(dir));
  cp = startCheckpointer({ db, dataDir: dir, key: {}, log: silentLogger, everyMs: 50 });
});

afterEach(async () => {
  await cp.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('WAL checkpoints in their own thread', () => {
  it('copy committed pages into the database file without a checkpoint on the committing connection', async () => {
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(16_384);
    const before = fileBytes();
    write(8);
    expect(walBytes()).toBeGreaterThan(8_000_000);
    expect(await until(() => fileBytes() > before + 8_000_000)).toBe(true);
  });

  it('stop while parked (the file is left alone) and go on once resumed', async () => {
    write(1);
    const first = fileBytes();
    expect(await until(() => fileBytes() > first)).toBe(true);
    await cp.park();
    const parked = fileBytes();
    write(4);
    await new Promise((r) => setTimeout(r, 300));
    expect(fileBytes()).toBe(parked);
    await cp.resume();
    expect(await until(() => fileBytes() > parked + 4_000_000)).toBe(true);
  });
});
