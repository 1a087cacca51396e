/**
 * The whole product as an operator and a user meet it: `gospochta serve` as a child
 * process on its own data directory, people provisioned with the CLI (--json),
 * a message submitted over SMTPS with nodemailer and read over IMAPS with imapflow
 * (IDLE sees it arrive), SIGTERM ends the server with exit code 0, and after a
 * restart the message is still there.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { ImapFlow, type StatusObject } from 'imapflow';
import { openDatabaseFile } from '../../src/store/key.js';
import { cliJson, serveDirAndPorts, spawnServe, type ServeProcess } from '../helpers/child-server.js';



let dir: string;
let env: NodeJS.ProcessEnv;
let smtpPort: number;
let imapPort: number;

const cli = (args: string[], input?: string) => cliJson({ env, cwd: dir }, args, input);

function startServer(): ServeProcess {
  return spawnServe({ env: { ...env, LOG_PRETTY: '0' }, cwd: dir });
}

async function provision(local: string, snils: string): Promise<string> {
  const acc = await cli(['account', 'register', '--name', 'Иванов Иван Иванович', '--phone', '+7 912 345-67-89', '--consent']);
  const id = String(acc.id);
  await cli(['account', 'documents', id, '--snils', snils, '--passport', '4510 123456', '--passport-issued', '01.02.2015', '--passport-division', '770-001']);
  await cli(['account', 'confirm', id, '--method', 'in-person', '--operator', 'Петрова А. А.']);
  const mb = await cli(['mailbox', 'create', id, '--address', `${local}@example.org`, '--password-stdin'], 'Correct-Horse-42\n');
  return String(mb.address);
}

beforeAll(async () => {
  ({ dir, smtpPort, imapPort, env } = await serveDirAndPorts('gp-e2e-', { GOSPOCHTA_OPERATOR: 'e2e' }));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('gospochta serve end to end', () => {
  it('provisions, delivers, notifies over IDLE, stops on SIGTERM and keeps the mail', async () => {
    const alice = await provision('alice', '112-233-445 95');
    const bob = await provision('bob', '123-456-789 64');

    const s1 = startServer();
    await s1.ready;

    const imap = new ImapFlow({ host: '127.0.0.1', port: imapPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: bob, pass: 'Correct-Horse-42' }, logger: false });
    await imap.connect();
    const lock = await imap.getMailboxLock('INBOX');
    const arrived = new Promise<void>((res) => imap.on('exists', () => res()));
    void imap.idle(); // ends by itself when the next command is issued

    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: alice, pass: 'Correct-Horse-42' } });
    const info = await smtp.sendMail({ from: alice, to: bob, subject: 'Налоговое уведомление', text: 'Здравствуйте!' });
    expect(info.response).toMatch(/^250 /);
    smtp.close();

    await arrived;
    const msgs = [];
    for await (const m of imap.fetch('1:*', { envelope: true, source: true })) msgs.push(m);
    const mine = msgs.filter((m) => m.envelope?.subject === 'Налоговое уведомление');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.source!.toString()).toMatch(/^Received: from /);
    lock.release();
    await imap.logout();

    s1.child.kill('SIGTERM');
    expect(await s1.exited).toBe(0);

    const db = openDatabaseFile(join(dir, 'data', 'gospochta.sqlite'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    const s2 = startServer();
    await s2.ready;
    const again = new ImapFlow({ host: '127.0.0.1', port: imapPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: bob, pass: 'Correct-Horse-42' }, logger: false });
    await again.connect();
    const st = (await again.status('INBOX', { messages: true })) as StatusObject;
    expect(st.messages).toBeGreaterThanOrEqual(1);
    await again.logout();
    s2.child.kill('SIGTERM');
    expect(await s2.exited).toBe(0);

    const journal = await cli(['audit', '--limit', '200']);
    expect(JSON.stringify(journal)).toContain('mailbox.create');
  });
});
