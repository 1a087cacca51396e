/**
 * LOGIN — RFC 3501 §6.2.3: a wrong password is NO [AUTHENTICATIONFAILED] (RFC 5530),
 * the right one OK with the capabilities after login (RFC 3501 §7.1, [CAPABILITY]);
 * user name and password as atoms, quoted strings or literals (a synchronizing literal
 * gets a continuation, §7.5); a second LOGIN is BAD (§3: not in this state). Every
 * attempt goes to the login journal with the client's name from ID (RFC 2971).
 */
import { describe, it, expect } from 'vitest';
import { expectReplies, LIMITED_LOGIN, useImapSession } from '../../helpers/imap-session.js';

const s = useImapSession(LIMITED_LOGIN);

describe('LOGIN (RFC 3501 §6.2.3)', () => {
  it('LOGIN with a wrong password, then the right one', async () => {
    const c = await s.h.connect();
    expect(await c.cmd('a1 LOGIN anna@example.org wrong-password')).toEqual(['a1 NO [AUTHENTICATIONFAILED] Authentication failed']);
    const ok = await c.cmd(`a2 LOGIN "anna@example.org" {${s.user.password.length}+}\r\n${s.user.password}`);
    expect(ok).toHaveLength(1);
    expect(ok[0]).toMatch(/^a2 OK \[CAPABILITY IMAP4rev1 .* IDLE NAMESPACE .* APPENDLIMIT=5000\] Logged in$/);
    expect(await c.cmd('a3 LOGIN anna@example.org x')).toEqual(['a3 BAD LOGIN: not allowed in this state']);
    await c.close();
  });

  it('LOGIN with a synchronizing literal gets a continuation', async () => {
    const c = await s.h.connect();
    c.send(`a1 LOGIN {16}`);
    expect(await c.line()).toBe('+ Ready for literal data');
    c.send(`anna@example.org {${s.user.password.length}}`);
    expect(await c.line()).toBe('+ Ready for literal data');
    c.send(s.user.password);
    expect((await c.until('a1')).pop()).toMatch(/^a1 OK \[CAPABILITY .*\] Logged in$/);
    await c.close();
  });

  it('every attempt is in the login journal with the client name from ID', async () => {
    const c = await s.h.connect();
    expect(await c.cmd('i1 ID ("name" "Thunderbird" "version" "128.0")')).toEqual([
      '* ID ("name" "gospochta" "vendor" "gospochta")',
      'i1 OK ID completed',
    ]);
    await c.login(s.user.address, s.user.password);
    const row = s.h.db.prepare(`SELECT * FROM logins WHERE client IS NOT NULL ORDER BY id DESC LIMIT 1`).get() as Record<string, unknown>;
    expect(row).toMatchObject({ address: 'anna@example.org', protocol: 'imap', remote: '127.0.0.1', client: 'Thunderbird 128.0' });
    const failed = s.h.db.prepare(`SELECT count(*) AS n FROM logins WHERE outcome != 'ok'`).get() as { n: number };
    expect(failed.n).toBeGreaterThan(0);
    await c.close();
  });

  it('syntax errors are BAD and cost no attempt', async () => {
    const c = await s.h.connect();
    await expectReplies(c, [
      ['b1 LOGIN', [expect.stringMatching(/^b1 BAD LOGIN: /)]],
      ['b2 LOGIN anna@example.org', [expect.stringMatching(/^b2 BAD LOGIN: /)]],
      ['b3 LOGIN a b c', ['b3 BAD LOGIN: unexpected extra arguments']],
    ]);
    expect((await c.cmd(`b4 LOGIN anna@example.org ${s.user.password}`))[0]).toMatch(/^b4 OK /);
    await c.close();
  });
});
