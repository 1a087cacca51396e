import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabaseFile } from '../../src/store/key.js';
import { dbPath, openDb, schemaVersion } from '../../src/store/db.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { GpError } from '../../src/shared/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { registerAccount, showAccount } from '../../src/identity/accounts.js';

describe('migrations on an existing database file', () => {
  it('creates, closes, reopens without loss; data dir 0700, file 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gp-mig-'));
    try {
      const dataDir = join(dir, 'data');
      const cfg = loadConfig({ env: {}, cwd: dir, overrides: { dataDir } });
      let db = openDb(dataDir);
      expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
      const a = registerAccount({ db, cfg, actor: 'system' }, { name: 'Иванов Иван', phone: '89123456789', consent: true });
      db.close();
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(dbPath(dataDir)).mode & 0o777).toBe(0o600);
      db = openDb(dataDir);
      expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
      expect(showAccount(db, a.id).fullName).toBe('Иванов Иван');
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a database newer than the code with DB_TOO_NEW', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gp-mig-'));
    try {
      openDb(dir).close();
      const raw = openDatabaseFile(dbPath(dir));
      raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      raw.close();
      let err: unknown;
      try {
        openDb(dir).close();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GpError);
      expect((err as GpError).code).toBe('DB_TOO_NEW');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates a database file created at version 0 (empty file)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gp-mig-'));
    try {
      new Database(dbPath(dir)).close(); // an empty file: a database at version 0
      const db = openDb(dir);
      expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
      expect(db.prepare('SELECT counter FROM control').get()).toEqual({ counter: 0 });
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
