/**
 * Real clients other than imapflow against the whole server: Python's imaplib
 * (a full session: folders with a Cyrillic name in modified UTF-7, append, search,
 * fetch, flags, copy, expunge) and curl over imaps and smtps. Each is skipped only
 * when its program is missing (.ci/run installs curl; python3 is on the machine).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serverWith, type TestServer, PASSWORD } from '../helpers/server.js';
import { have } from '../helpers/programs.js';

const run = promisify(execFile);

let t: TestServer;
let alice: string;
let bob: string;
beforeAll(async () => ([t, alice, bob] = await serverWith('alice', 'bob')));
afterAll(async () => t?.close());

const PY = String.raw`
import imaplib, ssl, sys, base64, json
port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]

def mutf7(s):
    # RFC 3501 section 5.1.3: modified UTF-7 for folder names
    out, buf = [], []
    def flush():
        if buf:
            b = base64.b64encode(''.join(buf).encode('utf-16-be')).decode().rstrip('=').replace('/', ',')
            out.append('&' + b + '-'); buf.clear()
    for ch in s:
        if 0x20 <= ord(ch) <= 0x7e:
            flush(); out.append('&-' if ch == '&' else ch)
        else:
            buf.append(ch)
    flush()
    return ''.join(out)

ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
M = imaplib.IMAP4_SSL('127.0.0.1', port, ssl_context=ctx)
r = {}
r['login'] = M.login(user, pw)[0]
r['create'] = M.create('"' + mutf7('Налоги/2026') + '"')[0]
typ, lines = M.list()
r['list'] = [l.decode() for l in lines]
msg = b'From: <' + user.encode() + b'>\r\nTo: <' + user.encode() + b'>\r\nSubject: =?UTF-8?B?' + base64.b64encode('Налоговое уведомление'.encode()) + b'?=\r\n\r\nplain body text\r\n'
r['append'] = M.append('INBOX', '(\\Flagged)', None, msg)[1][0].decode()
r['select'] = M.select('INBOX')[1][0].decode()
M.literal = 'налог'.encode('utf-8')
typ, data = M.uid('SEARCH', 'CHARSET', 'UTF-8', 'SUBJECT')
r['search'] = data[0].decode()
uid = r['search'].split()[-1]
typ, data = M.uid('FETCH', uid, '(FLAGS BODY.PEEK[TEXT])')
r['fetch_text'] = data[0][1].decode()
r['store'] = M.uid('STORE', uid, '+FLAGS', '(\\Seen)')[1][0].decode()
r['copy'] = M.uid('COPY', uid, '"' + mutf7('Налоги/2026') + '"')[0]
r['delete'] = M.uid('STORE', uid, '+FLAGS.SILENT', '(\\Deleted)')[0]
r['expunge'] = [x.decode() if x else None for x in M.expunge()[1]]
r['status'] = M.status('"' + mutf7('Налоги/2026') + '"', '(MESSAGES UNSEEN)')[1][0].decode()
r['logout'] = M.logout()[0]
print(json.dumps(r))
`;

describe.skipIf(!have('python3'))('Python imaplib', () => {
  it('runs a realistic session', async () => {
    const file = join(t.dir, 'session.py');
    writeFileSync(file, PY);
    const { stdout } = await run('python3', [file, String(t.server.imapPort), alice, PASSWORD], { timeout: 30_000 });
    const r = JSON.parse(stdout) as Record<string, unknown>;
    expect(r.login).toBe('OK');
    expect(r.create).toBe('OK');
    expect(r.list as string[]).toContain('(\\HasNoChildren) "/" &BB0EMAQ7BD4EMwQ4-/2026');
    expect(r.append).toMatch(/^\[APPENDUID \d+ \d+\] APPEND completed$/);
    expect(r.search).toMatch(/^\d+$/);
    expect(r.fetch_text).toBe('plain body text\r\n');
    expect(r.store).toMatch(/FLAGS \(.*\\Seen.*\)/);
    expect(r.copy).toBe('OK');
    expect(r.expunge).toEqual(['1']);
    expect(r.status).toMatch(/MESSAGES 1 UNSEEN 0/);
    expect(r.logout).toBe('BYE');
  });
});

describe.skipIf(!have('curl'))('curl', () => {
  it('sends over smtps and reads it back over imaps', async () => {
    const mail = join(t.dir, 'mail.txt');
    writeFileSync(mail, `From: <${alice}>\r\nTo: <${bob}>\r\nSubject: sent by curl\r\n\r\nhello from curl\r\n`);
    await run('curl', ['-sS', '-k', '--ssl-reqd', `smtps://127.0.0.1:${t.server.smtpPort}`, '--user', `${alice}:${PASSWORD}`, '--mail-from', alice, '--mail-rcpt', bob, '-T', mail], { timeout: 30_000 });
    const list = await run('curl', ['-sS', '-k', `imaps://127.0.0.1:${t.server.imapPort}/`, '--user', `${bob}:${PASSWORD}`], { timeout: 30_000 });
    expect(list.stdout).toMatch(/\* LIST \(.*\) "\/" INBOX/);
    const search = await run('curl', ['-sS', '-k', `imaps://127.0.0.1:${t.server.imapPort}/INBOX`, '--user', `${bob}:${PASSWORD}`, '-X', 'UID SEARCH SUBJECT "sent by curl"'], { timeout: 30_000 });
    const uid = /\* SEARCH (\d+)/.exec(search.stdout)?.[1];
    expect(uid).toBeDefined();
    const msg = await run('curl', ['-sS', '-k', `imaps://127.0.0.1:${t.server.imapPort}/INBOX;UID=${uid}`, '--user', `${bob}:${PASSWORD}`], { timeout: 30_000 });
    expect(msg.stdout).toContain('hello from curl');
    expect(msg.stdout).toMatch(/^Received: from /);
    const wrong = await run('curl', ['-sS', '-k', `imaps://127.0.0.1:${t.server.imapPort}/`, '--user', `${bob}:wrong`]).then(
      () => 'accepted',
      (e: { code?: number }) => `exit ${e.code}`,
    );
    expect(wrong).toBe('exit 67'); // CURLE_LOGIN_DENIED
  });
});
