/**
 * Real POP3 clients against the whole server on its POP3 port (implicit TLS):
 * Python's poplib (CAPA, USER/PASS, STAT, LIST, UIDL, TOP, RETR, DELE, QUIT),
 * curl over pop3s:// (LIST, RETR, DELE) and fetchmail from Debian (downloads
 * everything to an MDA and deletes it on the server). After each, an IMAP session
 * sees the deletions. A client whose program is missing is skipped with a printed
 * reason (.ci/run installs curl and fetchmail; python3 is on the machine).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestServer, PASSWORD } from '../helpers/server.js';
import { freePort } from '../helpers/child-server.js';
import { have } from '../helpers/programs.js';

const run = promisify(execFile);
function skipUnless(bin: string): boolean {
  if (have(bin)) return false;
  console.log(`skipped: ${bin} is not installed (apt-get install ${bin === 'python3' ? 'python3' : bin})`);
  return true;
}

let t: TestServer;
let port: number;
const work = mkdtempSync(join(tmpdir(), 'gp-pop3-clients-'));

beforeAll(async () => {
  port = await freePort();
  t = await startTestServer({ pop3: { port } });
});
afterAll(async () => {
  await t?.close();
  rmSync(work, { recursive: true, force: true });
});

const message = (to: string, subject: string, body: string) => `From: <sender@example.org>\r\nTo: <${to}>\r\nSubject: ${subject}\r\n\r\n${body}`;

/** A mailbox with `n` messages stored over IMAP; the subjects. */
async function mailboxWith(local: string, n: number): Promise<{ address: string; subjects: string[] }> {
  const { address } = await t.provision(local);
  const c = await t.imap(address);
  const subjects: string[] = [];
  for (let i = 1; i <= n; i++) {
    subjects.push(`${local} message ${i}`);
    await c.append('INBOX', message(address, `${local} message ${i}`, `body ${i}\r\n.dot line ${i}\r\n`));
  }
  await c.logout();
  return { address, subjects };
}

async function imapSubjects(address: string): Promise<string[]> {
  const c = await t.imap(address);
  const lock = await c.getMailboxLock('INBOX');
  const out: string[] = [];
  try {
    for await (const m of c.fetch('1:*', { envelope: true })) out.push(m.envelope?.subject ?? '');
  } catch {
    /* an empty INBOX has no 1:* */
  } finally {
    lock.release();
  }
  await c.logout();
  return out;
}

const PY = String.raw`
import poplib, ssl, sys, json
port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
P = poplib.POP3_SSL('127.0.0.1', port, context=ctx)
r = {'welcome': P.getwelcome().decode(), 'capa': sorted(P.capa().keys())}
P.user(user); P.pass_(pw)
r['stat'] = list(P.stat())
r['list'] = [l.decode() for l in P.list()[1]]
r['uidl'] = [l.decode() for l in P.uidl()[1]]
r['top'] = [l.decode() for l in P.top(1, 0)[1]]
r['retr'] = [l.decode() for l in P.retr(2)[1]]
r['dele'] = P.dele(1).decode()
r['quit'] = P.quit().decode()
print(json.dumps(r))
`;

describe('real POP3 clients', () => {
  it.skipIf(skipUnless('python3'))('Python poplib: capabilities, listing, TOP, RETR (un-stuffed), DELE; IMAP sees the deletion', async () => {
    const { address, subjects } = await mailboxWith('pyuser', 2);
    writeFileSync(join(work, 'pop.py'), PY);
    const { stdout } = await run('python3', [join(work, 'pop.py'), String(port), address, PASSWORD]);
    const r = JSON.parse(stdout) as Record<string, unknown>;
    expect(r.welcome).toMatch(/^\+OK/);
    expect(r.capa).toEqual(expect.arrayContaining(['USER', 'SASL', 'TOP', 'UIDL']));
    expect((r.stat as number[])[0]).toBe(2);
    expect(r.list as string[]).toHaveLength(2);
    expect(r.uidl as string[]).toHaveLength(2);
    expect(r.top as string[]).toContain(`Subject: ${subjects[0]}`);
    expect((r.top as string[]).at(-1)).toBe('');
    expect(r.retr as string[]).toEqual(expect.arrayContaining([`Subject: ${subjects[1]}`, 'body 2', '.dot line 2']));
    expect(r.quit).toMatch(/\(1 messages deleted\)/);
    expect(await imapSubjects(address)).toEqual([subjects[1]]);
  });

  it.skipIf(skipUnless('curl'))('curl pop3s://: LIST, RETR and DELE; IMAP sees the deletion', async () => {
    const { address, subjects } = await mailboxWith('curluser', 2);
    const base = ['-sS', '-k', '--user', `${address}:${PASSWORD}`];
    const list = await run('curl', [...base, `pop3s://127.0.0.1:${port}/`]);
    expect(list.stdout.trim().split(/\r?\n/)).toHaveLength(2);
    const retr = await run('curl', [...base, `pop3s://127.0.0.1:${port}/2`]);
    expect(retr.stdout).toContain(`Subject: ${subjects[1]}`);
    expect(retr.stdout).toContain('\r\n.dot line 2\r\n');
    await run('curl', [...base, '-X', 'DELE', '-I', `pop3s://127.0.0.1:${port}/1`]);
    expect(await imapSubjects(address)).toEqual([subjects[1]]);
  });

  it.skipIf(skipUnless('fetchmail'))('fetchmail: downloads every message to its MDA and deletes them on the server; IMAP sees an empty INBOX', async () => {
    const { address, subjects } = await mailboxWith('fmuser', 3);
    const out = join(work, 'fetched');
    execFileSync('mkdir', ['-p', out]);
    const rc = join(work, 'fetchmailrc');
    writeFileSync(
      rc,
      [
        'set no bouncemail',
        `poll 127.0.0.1 service ${port} protocol POP3 auth password`,
        `  user "${address}" there with password "${PASSWORD}" is "nobody" here`,
        '  ssl no sslcertck',
        '  fetchall no keep',
        `  mda "/bin/sh -c 'cat > $(mktemp ${out}/m.XXXXXX)'"`,
        '',
      ].join('\n'),
    );
    chmodSync(rc, 0o600);
    const r = await run('fetchmail', ['-f', rc, '--idfile', join(work, 'fetchids'), '--nosyslog', '-v'], { env: { ...process.env, HOME: work, FETCHMAILHOME: work } }).catch(
      (e: { stdout: string; stderr: string; code: number }) => ({ stdout: e.stdout, stderr: `${e.stderr} (exit ${e.code})` }),
    );
    const files = readdirSync(out);
    expect(files.length, `${r.stdout}\n${r.stderr}`).toBe(3);
    const got = files.map((f) => readFileSync(join(out, f), 'utf8'));
    for (const s of subjects) expect(got.some((g) => g.includes(`Subject: ${s}`))).toBe(true);
    expect(got.every((g) => /\n\.dot line \d\r?\n/.test(g))).toBe(true);
    expect(await imapSubjects(address)).toEqual([]);
  });
});
