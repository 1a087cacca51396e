/**
 * AUTHENTICATE PLAIN — RFC 3501 §6.2.2 with SASL PLAIN (RFC 4616) and the initial
 * response of SASL-IR (RFC 4959 §3); without one the server sends an empty
 * continuation; `*` cancels (BAD); an unknown mechanism is NO [CANNOT]; bad base64 is
 * BAD; a wrong password NO [AUTHENTICATIONFAILED] (RFC 5530); after login it is BAD.
 */
import { describe, it, expect } from 'vitest';
import { LIMITED_LOGIN, useImapSession, expectReplies } from '../../helpers/imap-session.js';

const s = useImapSession(LIMITED_LOGIN);

describe('AUTHENTICATE PLAIN (RFC 3501 §6.2.2, RFC 4959)', () => {
  it('AUTHENTICATE PLAIN with SASL-IR and with a continuation; * cancels', async () => {
    const b64 = Buffer.from(`\0anna@example.org\0${s.user.password}`).toString('base64');
    const c = await s.h.connect();
    c.send('a1 AUTHENTICATE PLAIN');
    expect(await c.line()).toBe('+ ');
    c.send('*');
    expect(await c.until('a1')).toEqual(['a1 BAD Authentication cancelled']);
    expect(await c.cmd('a2 AUTHENTICATE CRAM-MD5')).toEqual(['a2 NO [CANNOT] Unsupported authentication mechanism CRAM-MD5']);
    c.send('a3 AUTHENTICATE PLAIN');
    expect(await c.line()).toBe('+ ');
    c.send(b64);
    expect((await c.until('a3'))[0]).toMatch(/^a3 OK \[CAPABILITY .*\] Logged in$/);
    await c.close();
    const d = await s.h.connect();
    expect((await d.cmd(`b1 AUTHENTICATE PLAIN ${b64}`))[0]).toMatch(/^b1 OK /);
    await d.close();
    const e = await s.h.connect();
    await expectReplies(e, [
      [`c1 AUTHENTICATE PLAIN ${Buffer.from('\0anna@example.org\0nope').toString('base64')}`, [
        'c1 NO [AUTHENTICATIONFAILED] Authentication failed',
      ]],
      ['c2 AUTHENTICATE PLAIN !!!', ['c2 BAD AUTHENTICATE: invalid base64']],
    ]);
    await e.close();
  });

  it('syntax errors and the wrong state are BAD', async () => {
    const c = await s.h.connect();
    expect(await c.cmd('b1 AUTHENTICATE')).toEqual([expect.stringMatching(/^b1 BAD AUTHENTICATE: /)]);
    await c.login(s.user.address, s.user.password);
    const b64 = Buffer.from(`\0anna@example.org\0${s.user.password}`).toString('base64');
    expect(await c.cmd(`b2 AUTHENTICATE PLAIN ${b64}`)).toEqual(['b2 BAD AUTHENTICATE: not allowed in this state']);
    await c.close();
  });
});
