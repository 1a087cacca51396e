/**
 * Filters managed with a real ManageSieve client (Debian's sieve-connect) over
 * STARTTLS and AUTHENTICATE PLAIN: the uploaded and activated script files a
 * message into a folder with flags, rejects a sender at the SMTP reply, and
 * answers with a vacation reply exactly once per sender; a malformed script is
 * refused with its line and column, and nothing is stored.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, PASSWORD, type TestServer } from '../helpers/server.js';
import { freePort } from '../helpers/child-server.js';
import { folderContent } from '../helpers/mailbox-content.js';
import { listScripts } from '../../src/store/filters.js';

const hasClient = spawnSync('sh', ['-c', 'command -v sieve-connect'], { encoding: 'utf8' }).status === 0;
if (!hasClient) console.log('skipped: sieve-connect is not installed (apt-get install sieve-connect)');

let t: TestServer;
let port: number;
let alice: { address: string; mailboxId: number };
let bob: string;
let mallory: string;
let carol: string;

/** sieve-connect with the password on file descriptor 3; resolves with its exit code and output. */
function sieveConnect(args: string[], user = alice.address, password = PASSWORD): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('sieve-connect', ['--server', '127.0.0.1', '--port', String(port), '--user', user, '--passwordfd', '3', '--notlsverify', '--authmech', 'PLAIN', ...args], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    (p.stdio[3] as NodeJS.WritableStream).end(`${password}\n`);
    p.on('close', (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  if (!hasClient) return;
  port = await freePort();
  t = await startTestServer({ sieve: { port } });
  alice = await t.provision('alice');
  bob = (await t.provision('bob')).address;
  mallory = (await t.provision('mallory')).address;
  carol = (await t.provision('carol')).address;
});
afterAll(async () => {
  await t?.close();
});

const SCRIPT = `require ["fileinto", "imap4flags", "reject", "vacation", "mailbox"];
# Reports go to their own folder, flagged.
if header :contains "subject" "report" {
  fileinto :create :flags ["\\\\Flagged", "$Report"] "Reports";
  stop;
}
if address :is "from" "mallory@example.org" {
  reject "I do not accept mail from you.";
  stop;
}
vacation :days 7 :subject "Away" "I am away until Monday.";
`;

async function send(from: string, subject: string): Promise<string> {
  const s = t.smtp(from);
  try {
    const info = await s.sendMail({ from, to: alice.address, subject, text: 'Добрый день.' });
    return info.response;
  } catch (e) {
    return (e as { response?: string }).response ?? String(e);
  } finally {
    s.close();
  }
}

describe.skipIf(!hasClient)('Sieve filters with sieve-connect', () => {
  it('uploads and activates a script over STARTTLS', async () => {
    const file = join(t.dir, 'main.sieve');
    writeFileSync(file, SCRIPT);
    const up = await sieveConnect(['--upload', '--localsieve', file, '--remotesieve', 'main']);
    expect(up.out).not.toMatch(/NO|fail/i);
    expect(up.code).toBe(0);
    const act = await sieveConnect(['--activate', '--remotesieve', 'main']);
    expect(act.code).toBe(0);
    const list = await sieveConnect(['--list']);
    expect(list.out).toMatch(/^"main" ACTIVE$/m);
    expect(listScripts(t.server.db, alice.mailboxId)).toEqual([expect.objectContaining({ name: 'main', active: true, content: SCRIPT })]);
  });

  it('files into a folder with flags', async () => {
    await send(bob, 'Monthly report');
    const filed = folderContent(t.server.db, alice.address, 'Reports');
    expect(filed).toHaveLength(1);
    expect(filed[0]!.flags).toEqual(expect.arrayContaining(['\\Flagged', '$Report']));
    expect(folderContent(t.server.db, alice.address, 'INBOX').some((m) => m.raw.includes('Monthly report'))).toBe(false);
  });

  it('rejects at the SMTP reply with the script\'s reason, storing nothing', async () => {
    const r = await send(mallory, 'let me in');
    expect(r).toMatch(/^550 5\.7\.1 .*I do not accept mail from you\./);
    expect(folderContent(t.server.db, alice.address, 'INBOX').some((m) => m.raw.includes('let me in'))).toBe(false);
  });

  it('answers a vacation reply exactly once per sender', async () => {
    await send(bob, 'first question');
    await send(bob, 'second question');
    const inbox = folderContent(t.server.db, alice.address, 'INBOX');
    expect(inbox.filter((m) => /question/.test(m.raw))).toHaveLength(2);
    const replies = folderContent(t.server.db, bob, 'INBOX').filter((m) => /^Subject: Away$/m.test(m.raw));
    expect(replies).toHaveLength(1);
    expect(replies[0]!.raw).toMatch(/^Auto-Submitted: auto-replied$/m);
    expect(replies[0]!.raw).toMatch(/^From: alice@example\.org$/m);
    expect(replies[0]!.raw).toMatch(/^In-Reply-To: </m);
    // Automatic and list mail gets no reply (RFC 3834 §2, RFC 5230 §4.6).
    const s = t.smtp(carol);
    await s.sendMail({ from: carol, to: alice.address, subject: 'automatic', text: 'x', headers: { 'Auto-Submitted': 'auto-generated' } });
    await s.sendMail({ from: carol, to: alice.address, subject: 'from a list', text: 'x', headers: { 'List-Id': '<news.example.org>' } });
    s.close();
    expect(folderContent(t.server.db, alice.address, 'INBOX').filter((m) => /^Subject: (automatic|from a list)$/m.test(m.raw))).toHaveLength(2);
    expect(folderContent(t.server.db, carol, 'INBOX')).toHaveLength(0);
  });

  it('refuses a malformed script with its line and column; nothing is stored', async () => {
    const file = join(t.dir, 'bad.sieve');
    writeFileSync(file, 'require "fileinto";\nif header :contains "subject" "x" {\n  fileinto "Work"\n}\n');
    const up = await sieveConnect(['--upload', '--localsieve', file, '--remotesieve', 'bad']);
    expect(up.code).not.toBe(0);
    expect(up.out).toContain('line 4, column 1: expected ";" after the fileinto command');
    expect(listScripts(t.server.db, alice.mailboxId).map((s) => s.name)).toEqual(['main']);
  });

  it('refuses a wrong password through the shared authentication (journal row)', async () => {
    const r = await sieveConnect(['--list'], alice.address, 'wrong-password');
    expect(r.code).not.toBe(0);
    const rows = t.server.db.prepare(`SELECT outcome FROM logins WHERE protocol = 'managesieve' ORDER BY id`).all() as Array<{ outcome: string }>;
    expect(rows.map((x) => x.outcome)).toContain('ok');
    expect(rows.some((x) => x.outcome !== 'ok')).toBe(true);
  });
});
