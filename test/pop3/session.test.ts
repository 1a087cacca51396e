/**
 * POP3 on its own TLS port against the whole server (RFC 1939, RFC 2449, RFC 5034):
 * the greeting and CAPA, USER/PASS and AUTH PLAIN through the shared login
 * (journal rows with protocol pop3), STAT/LIST/UIDL/TOP/RETR of messages stored
 * over IMAP (byte-stuffing of lines that start with "."), DELE/RSET, one session
 * per maildrop, deletion only at QUIT — seen at once by an IMAP session with
 * INBOX open — and nothing deleted when the connection drops or access ends.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { ImapFlow } from 'imapflow';
import { startTestServer, type TestServer, PASSWORD } from '../helpers/server.js';
import { freePort } from '../helpers/child-server.js';
import { Pop3Client } from '../helpers/pop3.js';
import { changePassword } from '../../src/identity/mailboxes.js';

let t: TestServer;
let alice: string;
let pop3Port: number;

const msg = (subject: string, body: string) => `From: <bob@example.org>\r\nTo: <alice@example.org>\r\nSubject: ${subject}\r\n\r\n${body}`;
const stored = [
  msg('first', 'one line\r\n'),
  msg('dots', '.starts with a dot\r\n..two dots\r\nmiddle . line\r\n.\r\nend\r\n'),
  msg('long', 'line 1\r\nline 2\r\nline 3\r\nline 4\r\n'),
];

async function inboxUids(c: ImapFlow): Promise<number[]> {
  const lock = await c.getMailboxLock('INBOX');
  try {
    return ((await c.search({ all: true }, { uid: true })) || []) as number[];
  } finally {
    lock.release();
  }
}

beforeAll(async () => {
  pop3Port = await freePort();
  t = await startTestServer({ pop3: { port: pop3Port } });
  alice = (await t.provision('alice')).address;
  const c = await t.imap(alice);
  for (const m of stored) await c.append('INBOX', m);
  await c.logout();
});
afterAll(async () => t?.close());

describe('POP3 session', () => {
  it('greets, lists its capabilities, refuses commands before login and wrong passwords', async () => {
    expect(t.server.pop3Port).toBe(pop3Port);
    const p = await Pop3Client.connect(pop3Port);
    expect(p.greeting).toMatch(/^\+OK mail\.example\.org gospochta POP3 ready/);
    const capa = await p.multi('CAPA');
    expect(capa.status).toMatch(/^\+OK/);
    expect(capa.lines).toEqual(expect.arrayContaining(['USER', 'SASL PLAIN', 'TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING']));
    expect(await p.cmd('STAT')).toMatch(/^-ERR STAT needs a login first/);
    expect(await p.cmd('PASS x')).toMatch(/^-ERR Send USER first/);
    expect(await p.cmd('XYZZY')).toMatch(/^-ERR Unknown command/);
    expect(await p.login(alice, 'Wrong-Password-1')).toBe('-ERR [AUTH] Authentication failed');
    expect(await p.cmd('QUIT')).toMatch(/^\+OK/);
    const row = t.server.db.prepare("SELECT outcome FROM logins WHERE protocol = 'pop3' ORDER BY id DESC LIMIT 1").get() as { outcome: string };
    expect(row.outcome).toBe('failed');
  });

  it('serves STAT, LIST, UIDL, TOP and RETR with byte-stuffing', async () => {
    const p = await Pop3Client.connect(pop3Port);
    expect(await p.login(alice, PASSWORD)).toMatch(/^\+OK Logged in; maildrop has 3 messages/);
    const sizes = stored.map((m) => Buffer.byteLength(m));
    expect(await p.cmd('stat')).toBe(`+OK 3 ${sizes.reduce((a, b) => a + b)}`);
    expect((await p.multi('LIST')).lines).toEqual(sizes.map((s, i) => `${i + 1} ${s}`));
    expect(await p.cmd('LIST 2')).toBe(`+OK 2 ${sizes[1]}`);
    expect(await p.cmd('LIST 9')).toMatch(/^-ERR No such message/);
    const uidl = (await p.multi('UIDL')).lines;
    expect(uidl).toHaveLength(3);
    const ids = uidl.map((l) => l.split(' ')[1]!);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^\d+\.\d+$/);
    const retr = await p.multi('RETR 2');
    expect(retr.status).toBe(`+OK ${sizes[1]} octets`);
    expect(retr.lines.join('\r\n') + '\r\n').toBe(stored[1]);
    const top = await p.multi('TOP 3 2');
    expect(top.lines.slice(-3)).toEqual(['', 'line 1', 'line 2']);
    expect((await p.multi('TOP 3 0')).lines.at(-1)).toBe('');
    expect(await p.cmd('QUIT')).toMatch(/^\+OK .*\(0 messages deleted\)/);
    const row = t.server.db.prepare("SELECT outcome FROM logins WHERE protocol = 'pop3' ORDER BY id DESC LIMIT 1").get() as { outcome: string };
    expect(row.outcome).toBe('ok');
  });

  it('logs in with AUTH PLAIN, with an initial response and after "+ "; refuses another authorization identity', async () => {
    const p = await Pop3Client.connect(pop3Port);
    expect(await p.cmd(`AUTH PLAIN ${Buffer.from(`bob@example.org\0${alice}\0${PASSWORD}`).toString('base64')}`)).toMatch(/^-ERR \[AUTH\] Acting as another user/);
    expect(await p.cmd('AUTH PLAIN')).toBe('+ ');
    expect(await p.cmd('*')).toMatch(/^-ERR \[AUTH\] Authentication cancelled/);
    expect(await p.cmd('AUTH PLAIN')).toBe('+ ');
    expect(await p.cmd(Buffer.from(`\0${alice}\0${PASSWORD}`).toString('base64'))).toMatch(/^\+OK Logged in/);
    expect(await p.cmd('CAPA')).toMatch(/^\+OK/);
    const rest = [];
    for (let l = await p.line(); l !== '.'; l = await p.line()) rest.push(l);
    expect(rest).not.toContain('USER');
    expect(await p.cmd('QUIT')).toMatch(/^\+OK/);
  });

  it('deletes nothing when the connection drops before QUIT, and gives one session the maildrop', async () => {
    const p = await Pop3Client.connect(pop3Port);
    expect(await p.login(alice, PASSWORD)).toMatch(/^\+OK/);
    const second = await Pop3Client.connect(pop3Port);
    expect(await second.login(alice, PASSWORD)).toMatch(/^-ERR \[IN-USE\]/);
    expect(await p.cmd('DELE 1')).toBe('+OK Message 1 deleted');
    expect(await p.cmd('DELE 1')).toMatch(/^-ERR Message 1 is already deleted/);
    expect(await p.cmd('RETR 1')).toMatch(/^-ERR Message 1 is already deleted/);
    expect(await p.cmd('STAT')).toMatch(/^\+OK 2 /);
    expect(await p.cmd('RSET')).toMatch(/^\+OK Maildrop has 3 messages/);
    expect(await p.cmd('DELE 2')).toMatch(/^\+OK/);
    p.destroy();
    // Once the first session is gone, the maildrop is free again and still whole.
    let r = '';
    for (let i = 0; i < 50 && !r.startsWith('+OK'); i++) {
      r = await second.login(alice, PASSWORD);
      if (!r.startsWith('+OK')) await new Promise((res) => setTimeout(res, 100));
    }
    expect(r).toMatch(/^\+OK Logged in; maildrop has 3 messages/);
    expect(await second.cmd('QUIT')).toMatch(/^\+OK/);
  });

  it('removes the DELEted messages at QUIT, and an IMAP session with INBOX open sees the expunge', async () => {
    const c = await t.imap(alice);
    const before = await inboxUids(c);
    expect(before).toHaveLength(3);
    const expunged: number[] = [];
    c.on('expunge', (ev: { seq: number }) => expunged.push(ev.seq));
    await c.mailboxOpen('INBOX');
    const p = await Pop3Client.connect(pop3Port);
    expect(await p.login(alice, PASSWORD)).toMatch(/^\+OK/);
    expect(await p.cmd('DELE 1')).toMatch(/^\+OK/);
    expect(await p.cmd('DELE 3')).toMatch(/^\+OK/);
    expect(await inboxUids(c)).toHaveLength(3); // nothing removed before QUIT
    expect(await p.cmd('QUIT')).toMatch(/^\+OK .*\(2 messages deleted\)/);
    await c.noop();
    for (let i = 0; i < 100 && expunged.length < 2; i++) await new Promise((res) => setTimeout(res, 50));
    expect(expunged).toHaveLength(2);
    expect(await inboxUids(c)).toEqual([before[1]]);
    await c.logout();
    const p2 = await Pop3Client.connect(pop3Port);
    expect(await p2.login(alice, PASSWORD)).toMatch(/^\+OK Logged in; maildrop has 1 messages/);
    expect((await p2.multi('RETR 1')).lines.join('\r\n') + '\r\n').toBe(stored[1]);
    expect(await p2.cmd('QUIT')).toMatch(/^\+OK/);
  });

  it('ends the session when the password is changed, deleting nothing', async () => {
    const p = await Pop3Client.connect(pop3Port);
    expect(await p.login(alice, PASSWORD)).toMatch(/^\+OK/);
    expect(await p.cmd('DELE 1')).toMatch(/^\+OK/);
    await changePassword({ db: t.server.db, cfg: t.cfg, actor: 'operator:test', bus: t.server.bus }, alice, 'Another-Horse-73');
    const rest = await p.rest();
    expect(rest.join('\n')).toMatch(/^-ERR \[SYS\/PERM\] Access to this mailbox has been withdrawn/);
    expect(p.closed).toBe(true);
    const row = t.server.db.prepare("SELECT count(*) AS n FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.name = 'INBOX' AND f.mailbox_id = (SELECT id FROM mailboxes WHERE address = ?)").get(alice) as { n: number };
    expect(row.n).toBe(1);
  });
});
