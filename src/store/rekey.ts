/**
 * Changing what the database file is encrypted with, always by copy, verify, swap:
 *  - `rotateKey`: the database re-keyed to a new key (`gospochta key rotate`);
 *  - `encryptPlaintext`: a plaintext database of an older gospochta encrypted
 *    (`gospochta encrypt`).
 * SQLite3MC re-keys only a database in rollback-journal mode, which a WAL database
 * shared by several processes is not: the copy is re-keyed, never the live file.
 * `encryptPlaintext` runs only while no server uses the data directory (the CLI
 * checks); `rotateKey` runs there too, or inside a running server once every
 * other connection is closed (store/rotate-online.ts).
 *
 * Order, so that a crash at any point leaves a database and a key that open it:
 *   new key written to KEYFILE.new (0600, fsync) → copy to .rekey-PID.tmp with
 *   VACUUM INTO → re-key the copy → verify the copy with the new key (integrity,
 *   row counts of every table, SHA-256 of every blob recomputed from its chunks)
 *   → old -wal/-shm removed, copy renamed over the database → key file kept as
 *   KEYFILE.old, KEYFILE.new renamed to KEYFILE → KEYFILE.old removed.
 * A database that no longer opens with KEYFILE while KEYFILE.new opens it is a
 * rotation cut short after the swap; `finishRotation` (store/key.ts) completes it
 * on the next open.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GpError } from '../shared/errors.js';
import { fsyncPath, removeIfExists } from '../shared/fs.js';
import { applyKey, applyRekey, fileState, keyFilePath, newKeyHex, openKeyed, pageFormat, promoteNewKey, readKeyFile, writeKeyFile, type DbKey, type KeyOptions } from './key.js';
import { withFile } from './file.js';

/** What must be the same before and after: rows per table, and each blob's SHA-256 over its bytes. */
export interface Fingerprint {
  tables: Record<string, number>;
  blobs: Record<string, string>;
}

export function fingerprint(db: Database.Database): Fingerprint {
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  const tables: Record<string, number> = {};
  for (const t of names) tables[t] = (db.prepare(`SELECT count(*) AS n FROM "${t.replace(/"/g, '""')}"`).get() as { n: number }).n;
  const blobs: Record<string, string> = {};
  if (names.includes('blob_chunks')) {
    const ids = db.prepare('SELECT id FROM blobs ORDER BY id').pluck().all() as number[];
    const chunks = db.prepare('SELECT data FROM blob_chunks WHERE blob_id = ? ORDER BY seq').pluck();
    for (const id of ids) {
      const h = createHash('sha256');
      for (const c of chunks.iterate(id) as IterableIterator<Buffer>) h.update(c);
      blobs[String(id)] = h.digest('hex');
    }
  }
  return { tables, blobs };
}

function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface ConvertReport {
  database: string;
  keyFile: string;
  tables: Record<string, number>;
  blobs: number;
}

/** Copy the database open as `source` to `tmp`, re-key the copy to `key`, verify it against `before`. */
function copyAndRekey(o: { tmp: string; source: Database.Database; sourceKey: DbKey | null; key: DbKey }): Fingerprint {
  const before = fingerprint(o.source);
  removeIfExists(o.tmp);
  closeSync(openSync(o.tmp, 'wx', 0o600));
  o.source.prepare('VACUUM INTO ?').run(o.tmp);
  const copy = new Database(o.tmp, { fileMustExist: true });
  try {
    // The copy is in the source's page format; the re-key writes it as AEGIS-256.
    if (o.sourceKey) applyKey(copy, o.sourceKey, pageFormat(o.source));
    applyRekey(copy, o.key);
  } finally {
    copy.close();
  }
  const after = withFile(o.tmp, { readonly: true, key: o.key }, (db) => {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    if (rows.length !== 1 || rows[0]!.integrity_check !== 'ok') {
      throw new GpError('REKEY_VERIFY_FAILED', `the re-keyed copy failed integrity_check: ${rows.map((r) => r.integrity_check).join('; ')}`, { kind: 'internal' });
    }
    return fingerprint(db);
  });
  if (fileState(o.tmp) !== 'encrypted' || !sameFingerprint(before, after)) {
    throw new GpError('REKEY_VERIFY_FAILED', 'the re-keyed copy does not hold the same rows and blobs; the database is unchanged', { kind: 'internal' });
  }
  return after;
}

/** Put `tmp` in place of `file` (its old -wal/-shm removed first: they must never meet the new file). */
function swapIn(tmp: string, file: string): void {
  fsyncPath(tmp);
  for (const suffix of ['-wal', '-shm', '-journal']) removeIfExists(file + suffix);
  renameSync(tmp, file);
  chmodSync(file, 0o600);
  fsyncPath(dirname(file));
}

interface ConvertOptions {
  file: string;
  keyFile: string;
  sourceKey: DbKey | null;
  /** Copy from this open connection (the server's own) instead of opening one; it stays open. */
  source?: Database.Database;
  /** Runs after the copy is verified, right before the swap (the server closes its connection here). */
  beforeSwap?: () => void;
}

function tryRemove(p: string): void {
  try {
    removeIfExists(p);
  } catch {
    /* the error that got here is the one to report */
  }
}

function convert(o: ConvertOptions): ConvertReport {
  const newFile = `${o.keyFile}.new`;
  removeIfExists(newFile); // a rotation that stopped before the swap: its new key was never used
  const key: DbKey = { hex: newKeyHex(), source: `key file ${newFile}` };
  writeKeyFile(newFile, key.hex);
  const tmp = join(dirname(o.file), `.rekey-${process.pid}.tmp`);
  let fp: Fingerprint;
  try {
    const source = o.source ?? (o.sourceKey ? openKeyed(o.file, { key: o.sourceKey, fileMustExist: true }) : new Database(o.file, { fileMustExist: true }));
    try {
      source.pragma('wal_checkpoint(TRUNCATE)');
      fp = copyAndRekey({ tmp, source, sourceKey: o.sourceKey, key });
    } finally {
      if (!o.source) source.close();
    }
    o.beforeSwap?.();
  } catch (e) {
    tryRemove(tmp);
    tryRemove(newFile);
    throw e;
  }
  swapIn(tmp, o.file);
  promoteNewKey(o.keyFile);
  return { database: o.file, keyFile: o.keyFile, tables: fp.tables, blobs: Object.keys(fp.blobs).length };
}

export interface RotateOptions {
  file: string;
  dataDir: string;
  key?: KeyOptions;
}

/** The key file to rotate, or a refusal: the key from GOSPOCHTA_KEY, a plaintext database. */
export function rotationKeyFile(o: RotateOptions): string {
  if ((o.key?.env ?? process.env).GOSPOCHTA_KEY) {
    throw new GpError('KEY_FROM_ENV', 'the key comes from GOSPOCHTA_KEY: rotate it in the secret store (the key file is what `gospochta key rotate` replaces)');
  }
  if (fileState(o.file) !== 'encrypted') throw new GpError('DB_NOT_ENCRYPTED', `${o.file} is not an encrypted database (run \`gospochta encrypt\`)`);
  return keyFilePath(o.dataDir, o.key);
}

/**
 * Re-key the encrypted database `file` to a new random key in the key file. With
 * `source` (a running server's connection, every other connection closed) the copy
 * is taken from it and `beforeSwap` closes it (store/rotate-online.ts).
 */
export function rotateKey(o: RotateOptions & Pick<ConvertOptions, 'source' | 'beforeSwap'>): ConvertReport {
  const keyFile = rotationKeyFile(o);
  return convert({ file: o.file, keyFile, sourceKey: readKeyFile(keyFile), source: o.source, beforeSwap: o.beforeSwap });
}

/** Encrypt the plaintext database `file` with a new key written to the key file (which must not exist). */
export function encryptPlaintext(o: RotateOptions): ConvertReport {
  if ((o.key?.env ?? process.env).GOSPOCHTA_KEY) {
    throw new GpError('KEY_FROM_ENV', '`gospochta encrypt` writes a new key file; unset GOSPOCHTA_KEY and point GOSPOCHTA_KEY_FILE where the key should go');
  }
  const state = fileState(o.file);
  if (state === 'absent') throw new GpError('DB_MISSING', `no database at ${o.file}`, { kind: 'not_found' });
  if (state === 'encrypted') throw new GpError('DB_ENCRYPTED', `${o.file} is already encrypted`, { kind: 'conflict' });
  const keyFile = keyFilePath(o.dataDir, o.key);
  if (existsSync(keyFile)) {
    throw new GpError('KEY_FILE_EXISTS', `${keyFile} exists: move it away first (it may be the key of another database)`, { kind: 'conflict' });
  }
  return convert({ file: o.file, keyFile, sourceKey: null });
}
