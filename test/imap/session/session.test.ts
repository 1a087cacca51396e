/**
 * The session as a whole — RFC 3501 §7.1.1 the greeting, §3 the states (a command in
 * the wrong state, an unknown command, a missing tag: BAD, and the session goes on),
 * the line and literal limits (RFC 7888 §4, RFC 7889), and the end of a session whose
 * access is withdrawn (* BYE, §7.1.5). One command's transcript is in
 * test/imap/commands/<name>.test.ts.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestImap, type TestImap } from '../../helpers/imap.js';

const PRE = 'IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR AUTH=PLAIN ID ENABLE';

let h: TestImap;
let user: { address: string; password: string; mailboxId: number };

beforeAll(async () => {
  h = await startTestImap({ config: { imap: { maxLineBytes: 2000, maxLiteralBytes: 5000 } } });
  user = await h.provision('anna@example.org', 'Correct-Horse-42');
});
afterAll(async () => {
  await h.close();
});

describe('greeting, CAPABILITY, NOOP, LOGOUT (RFC 3501 §6.1)', () => {
  it('greets with capabilities and answers CAPABILITY before login', async () => {
    const c = await h.connect();
    expect(c.greeting).toBe(`* OK [CAPABILITY ${PRE}] imap.test gospochta IMAP4rev1 ready`);
    expect(await c.cmd('a1 CAPABILITY')).toEqual([`* CAPABILITY ${PRE}`, 'a1 OK CAPABILITY completed']);
    expect(await c.cmd('a2 NOOP')).toEqual(['a2 OK NOOP completed']);
    expect(await c.cmd('a3 LOGOUT')).toEqual(['* BYE gospochta IMAP4rev1 server logging out', 'a3 OK LOGOUT completed']);
    expect(await c.rest()).toEqual([]);
  });

  it('refuses commands in the wrong state and unknown commands, and goes on', async () => {
    const c = await h.connect();
    expect(await c.cmd('b1 SELECT INBOX')).toEqual(['b1 BAD SELECT: authenticate first']);
    expect(await c.cmd('b2 FROB')).toEqual(['b2 BAD Unknown command FROB']);
    expect(await c.cmd('b3 NOOP extra')).toEqual(['b3 BAD NOOP: unexpected extra arguments']);
    expect(await c.cmd('b4 LOGIN "unterminated')).toEqual(['b4 BAD Unterminated quoted string']);
    c.send('');
    expect(await c.line()).toBe('* BAD Missing tag');
    expect(await c.cmd('b5 NOOP')).toEqual(['b5 OK NOOP completed']);
    await c.close();
  });
});

describe('ENABLE, NAMESPACE, ID (RFC 5161, RFC 2342, RFC 2971)', () => {
  it('answers', async () => {
    const c = await h.connect();
    expect(await c.cmd('n0 ID NIL')).toHaveLength(2);
    expect(await c.cmd('n1 ID ("name")')).toEqual(['n1 BAD ID: the list must hold field/value pairs']);
    await c.login(user.address, user.password);
    expect(await c.cmd('n2 NAMESPACE')).toEqual(['* NAMESPACE (("" "/")) NIL NIL', 'n2 OK NAMESPACE completed']);
    expect(await c.cmd('n3 ENABLE QRESYNC UTF8=ACCEPT X-FOO')).toEqual(['* ENABLED QRESYNC UTF8=ACCEPT', 'n3 OK ENABLE completed']);
    expect(await c.cmd('n4 ENABLE CONDSTORE')).toEqual(['* ENABLED', 'n4 OK ENABLE completed']);
    await c.close();
  });
});

describe('limits', () => {
  it('a line over the limit gets BAD and the session continues', async () => {
    const c = await h.connect();
    expect(await c.cmd('t1 NOOP ' + 'x'.repeat(3000))).toEqual(['t1 BAD [TOOBIG] Command line too long (limit 2000 bytes)']);
    expect(await c.cmd('t2 NOOP')).toEqual(['t2 OK NOOP completed']);
    await c.close();
  });

  it('a synchronizing literal over the limit is refused without a continuation', async () => {
    const c = await h.connect();
    await c.login(user.address, user.password);
    expect(await c.cmd('t1 APPEND INBOX {6000}')).toEqual(['t1 NO [TOOBIG] Literal of 6000 bytes is over the limit of 5000 bytes']);
    expect(await c.cmd('t2 NOOP')).toEqual(['t2 OK NOOP completed']);
    await c.close();
  });

  it('LITERAL+ over the limit: bytes consumed, NO, session in sync', async () => {
    const c = await h.connect();
    await c.login(user.address, user.password);
    c.write('t1 APPEND INBOX {6000+}\r\n' + 'a'.repeat(6000) + '\r\n');
    expect(await c.until('t1')).toEqual(['t1 NO [TOOBIG] Literal of 6000 bytes is over the limit of 5000 bytes']);
    expect(await c.cmd('t2 NOOP')).toEqual(['t2 OK NOOP completed']);
    await c.close();
  });

  it('before login, literals are limited to the line size', async () => {
    const c = await h.connect();
    expect(await c.cmd('t1 LOGIN {3000}')).toEqual(['t1 NO [TOOBIG] Literal of 3000 bytes is over the limit of 2000 bytes']);
    await c.close();
  });

  it('before login, an oversized LITERAL+ closes the connection (RFC 7888 §4)', async () => {
    const c = await h.connect();
    c.write('t1 LOGIN {300000+}\r\n' + 'x'.repeat(1000));
    expect(await c.rest()).toEqual(['t1 NO [TOOBIG] Literal of 300000 bytes is over the limit of 2000 bytes', '* BYE Literal too large']);
  });

  it('garbage never kills the server', async () => {
    const c = await h.connect();
    c.write(Buffer.from([0, 1, 2, 255, 254, 13, 10]));
    c.write('(((((\r\n)))\r\n* * *\r\n+ x\r\n"\r\n{99999999999}\r\n');
    expect(await c.cmd('z1 NOOP')).toContain('z1 OK NOOP completed');
    await c.close();
  });
});

describe('access withdrawn', () => {
  it('a blocked mailbox gets * BYE (bus event and control counter)', async () => {
    const u = await h.provision('boris@example.org', 'Correct-Horse-42');
    const c = await h.connect();
    await c.login(u.address, u.password);
    // A bus event makes the server re-check the sessions of that mailbox against the store.
    h.db.prepare(`UPDATE mailboxes SET status = 'blocked' WHERE id = ?`).run(u.mailboxId);
    h.bus.publish({ type: 'access', mailboxId: u.mailboxId, reason: 'blocked' });
    expect(await c.rest()).toEqual(['* BYE Access to this mailbox has been withdrawn']);
    h.db.prepare(`UPDATE mailboxes SET status = 'active' WHERE id = ?`).run(u.mailboxId);
    const d = await h.connect();
    await d.login(u.address, u.password);
    h.db.prepare(`UPDATE mailboxes SET status = 'blocked' WHERE id = ?`).run(u.mailboxId);
    h.db.prepare('UPDATE control SET counter = counter + 1 WHERE id = 1').run();
    expect(await d.rest()).toEqual(['* BYE Access to this mailbox has been withdrawn']);
  });
});
