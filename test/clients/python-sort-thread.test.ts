/**
 * Python's imaplib as a real client of SORT and THREAD (RFC 5256): IMAP4.sort(),
 * IMAP4.thread() and their UID forms, and an ESEARCH answer (RFC 4731) read
 * through imaplib's untagged responses. Skipped only when python3 is missing.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestServer, PASSWORD } from '../helpers/server.js';
import { have } from '../helpers/programs.js';

const run = promisify(execFile);

let t: TestServer;
let user: string;
beforeAll(async () => {
  t = await startTestServer();
  user = (await t.provision('sorter')).address;
});
afterAll(async () => t?.close());

const PY = String.raw`
import imaplib, ssl, sys, json
port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
M = imaplib.IMAP4_SSL('127.0.0.1', port, ssl_context=ctx)
M.login(user, pw)
r = {'caps': M.capability()[1][0].decode().split()}
msgs = [
  ('<a@x>', '', 'Tue, 3 Mar 2026 10:00:00 +0000', 'Budget', 'zed@example.org'),
  ('<b@x>', '<a@x>', 'Tue, 3 Mar 2026 12:00:00 +0000', 'Re: Budget', 'anna@example.org'),
  ('<c@x>', '', 'Mon, 2 Mar 2026 09:00:00 +0000', 'Holiday', 'mike@example.org'),
  ('<d@x>', '<a@x> <b@x>', 'Tue, 3 Mar 2026 13:00:00 +0000', 'Re: Re: Budget', 'bob@example.org'),
]
for mid, refs, date, subj, frm in msgs:
    m = 'From: %s\r\nMessage-ID: %s\r\nDate: %s\r\nSubject: %s\r\n%s\r\nbody\r\n' % (frm, mid, date, subj, ('References: %s\r\n' % refs) if refs else '')
    M.append('INBOX', None, None, m.encode())
M.select('INBOX')
r['sort_date'] = M.sort('(REVERSE DATE)', 'UTF-8', 'ALL')[1][0].decode()
r['sort_from'] = M.sort('(FROM)', 'UTF-8', 'ALL')[1][0].decode()
r['sort_subject'] = M.sort('(SUBJECT DATE)', 'UTF-8', 'ALL')[1][0].decode()
r['uid_sort'] = M.uid('SORT', '(DATE)', 'UTF-8', 'SENTSINCE', '3-Mar-2026')[1][0].decode()
r['thread_refs'] = M.thread('REFERENCES', 'UTF-8', 'ALL')[1][0].decode()
r['thread_subject'] = M.thread('ORDEREDSUBJECT', 'UTF-8', 'ALL')[1][0].decode()
r['uid_thread'] = M.uid('THREAD', 'REFERENCES', 'UTF-8', 'NOT', 'SUBJECT', 'holiday')[1][0].decode()
typ, data = M._simple_command('SEARCH', 'RETURN', '(MIN MAX COUNT)', 'ALL')
r['esearch'] = [x.decode() for x in M.untagged_responses.pop('ESEARCH', [])]
M.logout()
print(json.dumps(r))
`;

describe.skipIf(!have('python3'))('Python imaplib SORT and THREAD', () => {
  it('sorts and threads a folder', async () => {
    const file = join(t.dir, 'sort.py');
    writeFileSync(file, PY);
    const { stdout } = await run('python3', [file, String(t.server.imapPort), user, PASSWORD]);
    const r = JSON.parse(stdout) as Record<string, unknown>;
    expect(r.caps).toEqual(expect.arrayContaining(['SORT', 'SORT=DISPLAY', 'THREAD=REFERENCES', 'THREAD=ORDEREDSUBJECT', 'ESEARCH']));
    expect(r.sort_date).toBe('4 2 1 3');
    expect(r.sort_from).toBe('2 4 3 1');
    expect(r.sort_subject).toBe('1 2 4 3');
    expect(r.uid_sort).toBe('1 2 4');
    expect(r.thread_refs).toBe('(3)(1 2 4)');
    expect(r.thread_subject).toBe('(3)(1 (2)(4))');
    expect(r.uid_thread).toBe('(1 2 4)');
    expect((r.esearch as string[])[0]).toMatch(/^\(TAG "\w+"\) MIN 1 MAX 4 COUNT 4$/);
  });
});
