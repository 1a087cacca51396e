/**
 * `gospochta key rotate` against a running server (`gospochta serve`, one process
 * and a primary with two workers): the server re-keys on its control socket while
 * an IMAP session stays logged in and SMTP submissions go on. Afterwards the key
 * file holds a new key, the old key no longer opens the database, the new one
 * does, every blob is the same (SHA-256), every message that got 250 is there, the
 * IMAP session works without reconnecting and the file passes integrity_check.
 * A rotation that fails before the swap leaves the server on the old key; a
 * SIGTERM during a rotation lets it end, then stops the server.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImapFlow, type StatusObject } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverDir, PASSWORD, repo, type ChildServer, type ServerDir } from '../helpers/child-server.js';
import { ensureBuilt } from '../cli/helpers.js';
import { dbPath } from '../../src/store/db.js';
import { openKeyed, readKeyFile } from '../../src/store/key.js';
import { fingerprint, type Fingerprint } from '../../src/store/rekey.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(d: ServerDir, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(repo, 'bin/gospochta.js'), ...args], { env: { ...d.env, LOG_LEVEL: 'silent' }, cwd: d.dir }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function raw(from: string, to: string, n: number): string {
  return `From: ${from}\r\nTo: ${to}\r\nSubject: rotation ${n}\r\nMessage-ID: <rot-${n}-${process.pid}@example.org>\r\n\r\n${`line ${n} of a message kept across the rotation\r\n`.repeat(30)}`;
}

function describeRotation(workers: string): void {
  describe(`key rotate with the server running (workers=${workers})`, () => {
    let d: ServerDir;
    let s: ChildServer;
    let alice: string;
    let bob: string;
    let imap: ImapFlow;
    let dataDir: string;
    let keyFile: string;
    let sent = 0;
    const smtp = () =>
      nodemailer.createTransport({ host: '127.0.0.1', port: d.smtpPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: alice, pass: PASSWORD }, pool: true, maxConnections: 2 });
    const send = async (tr: ReturnType<typeof smtp>) => {
      const n = ++sent;
      const info = await tr.sendMail({ envelope: { from: alice, to: [bob] }, raw: raw(alice, bob, n) });
      expect(info.response).toMatch(/^250/);
    };
    const readOnly = (hex: string) => openKeyed(dbPath(dataDir), { key: { hex, source: 'test' }, readonly: true, fileMustExist: true });
    const inbox = async () => ((await imap.status('INBOX', { messages: true })) as StatusObject).messages!;

    beforeAll(async () => {
      ensureBuilt();
      d = await serverDir({ GOSPOCHTA_WORKERS: workers, LOG_LEVEL: 'info' });
      dataDir = d.env.GOSPOCHTA_DATA_DIR!;
      keyFile = join(dataDir, 'gospochta.key');
      alice = (await d.provision('alice')).address;
      bob = (await d.provision('bob')).address;
      d.db().close(); // the test's own connection must not outlive the file it was opened on
      s = d.start();
      await s.ready;
      const tr = smtp();
      for (let i = 0; i < 5; i++) await send(tr);
      tr.close();
      imap = new ImapFlow({ host: '127.0.0.1', port: d.imapPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: bob, pass: PASSWORD }, logger: false });
      await imap.connect();
    }, 120_000);

    afterAll(async () => {
      await imap?.logout().catch(() => undefined);
      if (s && s.child.exitCode === null && s.child.signalCode === null) {
        s.child.kill('SIGTERM');
        await s.exited;
      }
      d?.cleanup();
    });

    it('re-keys while an IMAP session stays logged in and SMTP submissions go on', async () => {
      const oldKey = readKeyFile(keyFile).hex;
      const tr = smtp();
      let stop = false;
      const errors: unknown[] = [];
      const load = (async () => {
        while (!stop) await send(tr).catch((e: unknown) => errors.push(e));
      })();
      const imapLoad = (async () => {
        while (!stop) await inbox().catch((e: unknown) => errors.push(e));
      })();
      while (sent < 10) await new Promise((r) => setTimeout(r, 20));
      const r = await cli(d, ['key', 'rotate', '--json']);
      const during = sent;
      while (sent < during + 5) await new Promise((r2) => setTimeout(r2, 20));
      stop = true;
      await Promise.all([load, imapLoad]);
      tr.close();
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as { pauseMs: number; blobs: number };
      expect(typeof report.pauseMs).toBe('number');
      expect(report.blobs).toBeGreaterThanOrEqual(5);
      expect(errors).toEqual([]);

      const newKey = readKeyFile(keyFile).hex;
      expect(newKey).not.toBe(oldKey);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(readdirSync(dataDir).filter((f) => /\.(new|old|tmp)$|rotation\.lock/.test(f))).toEqual([]);
      expect(() => readOnly(oldKey)).toThrow(/does not open this database/);
      const db = readOnly(newKey);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
      // The same session, never reconnected: every message that got 250 is there.
      expect(await inbox()).toBe(sent);
      const lock = await imap.getMailboxLock('INBOX');
      try {
        const last = await imap.fetchOne('*', { source: true });
        expect(last && last.source!.toString()).toContain('of a message kept across the rotation');
      } finally {
        lock.release();
      }
      const logged = await s.waitFor((l) => l.msg.startsWith('key rotation done'));
      expect(logged.pauseMs).toBe(report.pauseMs);
      expect(JSON.stringify(s.lines)).not.toContain(newKey);
    }, 120_000);

    it('keeps every row and blob (SHA-256) and journals key.rotate without key material', async () => {
      const key = readKeyFile(keyFile).hex;
      const db = readOnly(key);
      const before: Fingerprint = fingerprint(db);
      db.close();
      const r = await cli(d, ['key', 'rotate', '--json']);
      expect(r.code).toBe(0);
      const newKey = readKeyFile(keyFile).hex;
      const after = readOnly(newKey);
      const fp = fingerprint(after);
      const rows = after.prepare("SELECT details FROM audit_events WHERE action = 'key.rotate'").pluck().all() as string[];
      after.close();
      expect(fp.blobs).toEqual(before.blobs);
      // The rotation's own audit row is the one change.
      expect({ ...fp.tables, audit_events: fp.tables.audit_events! - 1 }).toEqual(before.tables);
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row).not.toContain(key);
        expect(row).not.toContain(newKey);
        expect(JSON.parse(row)).toMatchObject({ online: true });
      }
    }, 60_000);

    it('a rotation that fails before the swap leaves the server on the old key, and nothing is lost', async () => {
      const key = readKeyFile(keyFile).hex;
      const pid = readFileSync(join(dataDir, 'server.pid'), 'utf8').trim();
      // The copy cannot be made: a directory stands where the re-keyed copy goes.
      const blocker = join(dataDir, `.rekey-${pid}.tmp`);
      mkdirSync(blocker);
      writeFileSync(join(blocker, 'x'), 'x');
      const before = await inbox();
      const r = await cli(d, ['key', 'rotate']);
      rmSync(blocker, { recursive: true });
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/the server refused the rotation/);
      expect(readKeyFile(keyFile).hex).toBe(key);
      expect(existsSync(`${keyFile}.new`)).toBe(false);
      expect(existsSync(join(dataDir, 'rotation.lock'))).toBe(false);
      await s.waitFor((l) => l.msg.startsWith('key rotation failed'));
      // The server goes on, on the old key: the session, a new submission, the file.
      const tr = smtp();
      await send(tr);
      tr.close();
      expect(await inbox()).toBe(before + 1);
      const db = readOnly(key);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
    }, 60_000);

    it('stops on SIGTERM with exit code 0 and starts again with the new key', async () => {
      await imap.logout();
      s.child.kill('SIGTERM');
      expect((await s.exited).code).toBe(0);
      expect(existsSync(join(dataDir, 'control.sock'))).toBe(false);
      s = d.start();
      await s.ready;
      imap = new ImapFlow({ host: '127.0.0.1', port: d.imapPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: bob, pass: PASSWORD }, logger: false });
      await imap.connect();
      expect(await inbox()).toBe(sent);
    }, 60_000);

    it('SIGTERM during a rotation: the rotation ends first, then the server stops with exit code 0', async () => {
      await imap.logout();
      const oldKey = readKeyFile(keyFile).hex;
      const rotation = cli(d, ['key', 'rotate', '--json']);
      await s.waitFor((l) => l.msg === 'key rotation: pausing the store');
      s.child.kill('SIGTERM');
      const [r, exit] = await Promise.all([rotation, s.exited]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(exit.code).toBe(0);
      const newKey = readKeyFile(keyFile).hex;
      expect(newKey).not.toBe(oldKey);
      expect(readdirSync(dataDir).filter((f) => /\.(new|old|tmp)$|rotation\.lock|control\.sock/.test(f))).toEqual([]);
      const db = readOnly(newKey);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
    }, 60_000);
  });
}

describeRotation('1');
describeRotation('2');
