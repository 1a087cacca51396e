/**
 * mbsync (isync) syncing a folder tree both ways with the server over IMAPS,
 * verifying the server's certificate (the generated self-signed one, which names
 * 127.0.0.1): pull INBOX and a subfolder, push a new local message, push a flag,
 * push a deletion (expunge).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestServer, PASSWORD } from '../helpers/server.js';
import { createFolder } from '../../src/store/folders.js';

const run = promisify(execFile);
const haveMbsync = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v mbsync'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let t: TestServer;
let bob: { address: string; mailboxId: number };
beforeAll(async () => {
  t = await startTestServer();
  bob = await t.provision('bob');
  const alice = (await t.provision('alice')).address;
  createFolder(t.server.db, bob.mailboxId, 'Work/Reports');
  const s = t.smtp(alice);
  await s.sendMail({ from: alice, to: bob.address, subject: 'to be synced', text: 'hello mbsync' });
  s.close();
});
afterAll(async () => t?.close());

function serverSubjects(folder: string): Array<{ subject: string; flags: number }> {
  return t.server.db
    .prepare(
      `SELECT s.subject, m.flags FROM messages m JOIN folders f ON f.id = m.folder_id JOIN blob_search s ON s.blob_id = m.blob_id
        WHERE f.mailbox_id = ? AND f.name = ? ORDER BY m.uid`,
    )
    .all(bob.mailboxId, folder) as Array<{ subject: string; flags: number }>;
}

describe.skipIf(!haveMbsync)('mbsync', () => {
  it('syncs a folder tree both ways: pull, push a new message, a flag and a deletion', async () => {
    const base = join(t.dir, 'mbsync');
    const maildir = join(base, 'mail');
    mkdirSync(maildir, { recursive: true });
    const rc = join(base, 'mbsyncrc');
    writeFileSync(
      rc,
      [
        'IMAPAccount gp',
        'Host 127.0.0.1',
        `Port ${t.server.imapPort}`,
        `User ${bob.address}`,
        `Pass ${PASSWORD}`,
        'SSLType IMAPS',
        `CertificateFile ${t.server.tls.certPath}`,
        '',
        'IMAPStore remote',
        'Account gp',
        '',
        'MaildirStore local',
        `Path ${maildir}/`,
        `Inbox ${maildir}/INBOX`,
        'SubFolders Verbatim',
        '',
        'Channel gp',
        'Far :remote:',
        'Near :local:',
        'Patterns *',
        'Create Both',
        'Expunge Both',
        'SyncState *',
        '',
      ].join('\n'),
    );
    const sync = () => run('mbsync', ['-c', rc, '-a'], { timeout: 60_000 });
    await sync();
    const inboxCur = join(maildir, 'INBOX', 'cur');
    const inboxNew = join(maildir, 'INBOX', 'new');
    const pulled = [...readdirSync(inboxNew), ...readdirSync(inboxCur)];
    expect(pulled).toHaveLength(1); // the message (new-device notices are off in these tests)
    expect(readdirSync(join(maildir, 'Work', 'Reports', 'cur'))).toEqual([]);

    // Push a new message into Work/Reports.
    const local = join(maildir, 'Work', 'Reports', 'new', `${Date.now()}.1.local`);
    writeFileSync(local, `From: <${bob.address}>\r\nTo: <${bob.address}>\r\nSubject: written offline\r\n\r\nhello server\r\n`);
    await sync();
    expect(serverSubjects('Work/Reports').map((m) => m.subject)).toEqual(['written offline']);

    // Flag it locally (maildir info ":2,F"), push the flag.
    const dirOf = (sub: string) => join(maildir, 'Work', 'Reports', sub);
    const where = readdirSync(dirOf('cur')).length ? 'cur' : 'new';
    const [name] = readdirSync(dirOf(where));
    const cur = dirOf('cur');
    renameSync(join(dirOf(where), name!), join(cur, name!.replace(/:2,.*$/, '') + ':2,F'));
    await sync();
    expect(serverSubjects('Work/Reports')[0]!.flags & 4).toBe(4);

    // Delete it locally, push the deletion (expunged on the server).
    rmSync(join(cur, readdirSync(cur)[0]!));
    await sync();
    expect(serverSubjects('Work/Reports')).toEqual([]);
  }, 120_000);
});
