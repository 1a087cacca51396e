/**
 * `gospochta key rotate` inside a running server: the database re-keyed while
 * clients stay connected. The process that runs it (the only one, or a cluster's
 * primary) does, in order:
 *  1. the marker `<dataDir>/rotation.lock` created (one rotation at a time; the
 *     barrier parked connections of other processes wait on, store/swappable.ts);
 *  2. `parkOthers()`: every other process finishes its writes in flight and closes
 *     its connection (cluster/worker.ts), and says so;
 *  3. its own writer drained; then, with no other JavaScript running, the copy,
 *     re-key and verification of store/rekey.ts from its own connection, that
 *     connection closed, the copy swapped in, the key file promoted;
 *  4. its connection reopened (new key; the old one when a step before the swap
 *     failed), the marker removed, `resumeOthers()`: the others reopen.
 * A client whose command needs the store meanwhile waits: a pause, not an error.
 * A failure before the swap leaves the old database and key in use; a crash after
 * it is finished by `finishRotation` (store/key.ts) at the next open.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { GpError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { removeIfExists } from '../shared/fs.js';
import { audit } from './audit.js';
import { dbPath } from './db.js';
import type { Writer } from './deliver.js';
import type { KeyOptions } from './key.js';
import { rotateKey, rotationKeyFile, type ConvertReport } from './rekey.js';
import { rotationMarker, type SwappableDb } from './swappable.js';

export { ROTATION_MARKER, rotationMarker } from './swappable.js';

/** Longest a parked process waits for a rotation to end before its store calls fail. */
export const ROTATION_WAIT_MS = 10 * 60_000;

export interface OnlineRotation {
  dataDir: string;
  key?: KeyOptions;
  connection: SwappableDb;
  writer: Writer;
  /** Every other process of the server has closed its connection (cluster workers). */
  parkOthers?: () => Promise<void>;
  /** Tell them to reopen (called whatever happened). */
  resumeOthers?: () => void;
}

export interface OnlineReport extends ConvertReport {
  /** How long the store was unavailable to other work, in milliseconds. */
  pauseMs: number;
}

function takeMarker(file: string): void {
  try {
    const fd = openSync(file, 'wx', 0o600);
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new GpError('ROTATION_RUNNING', 'a key rotation is already under way', { kind: 'conflict' });
    throw e;
  }
}

/** Re-key the running server's database; resolves with the report once every connection uses the new key. */
export async function rotateOnline(o: OnlineRotation): Promise<OnlineReport> {
  const file = dbPath(o.dataDir);
  rotationKeyFile({ file, dataDir: o.dataDir, key: o.key }); // refusals first, before anything is paused
  const marker = rotationMarker(o.dataDir);
  takeMarker(marker);
  const t0 = performance.now();
  let report: ConvertReport;
  try {
    await o.parkOthers?.();
    await o.writer.drain();
    report = rotateKey({ file, dataDir: o.dataDir, key: o.key, source: o.connection.connection, beforeSwap: () => o.connection.park() });
  } finally {
    try {
      o.connection.resume();
    } finally {
      removeIfExists(marker);
      o.resumeOthers?.();
    }
  }
  const pauseMs = Math.round(performance.now() - t0);
  const blobs = report.blobs;
  const rows = Object.values(report.tables).reduce((a, b) => a + b, 0);
  audit(o.connection.db, { actor: 'operator', subject: 'database', action: 'key.rotate', details: { online: true, pauseMs, rows, blobs } });
  return { ...report, pauseMs };
}

/** The control socket's `key.rotate`: one rotation, its pause logged (never a key). */
export function keyRotateRequest(o: OnlineRotation, log: Logger): () => Promise<OnlineReport> {
  return async () => {
    log.info('key rotation: pausing the store');
    try {
      const r = await rotateOnline(o);
      log.info({ pauseMs: r.pauseMs, blobs: r.blobs, keyFile: r.keyFile }, 'key rotation done: the database is re-keyed, the new key is in use');
      return r;
    } catch (e) {
      log.error({ err: e }, 'key rotation failed; the old key and database stay in use');
      throw e;
    }
  };
}
