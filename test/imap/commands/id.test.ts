/**
 * ID — RFC 2971 §3.1: the client sends a list of field/value pairs or NIL, the server
 * answers `* ID (…)` with its own, in every state; §3.3 limits (30 pairs, field names
 * of 30 bytes, values of 1024 bytes, values strings or NIL); anything else is BAD. The
 * client's "name" and "version" go to the login journal (test/imap/commands/login.test.ts).
 */
import { describe, it, expect } from 'vitest';
import { expectReplies, useImapSession } from '../../helpers/imap-session.js';

const s = useImapSession({ once: true, login: false });
const SERVER = '* ID ("name" "gospochta" "vendor" "gospochta")';

describe('ID (RFC 2971 §3.1)', () => {
  it('answers with the server\'s fields, to a list or NIL, in every state', async () => {
    const c = await s.h.connect();
    await expectReplies(c, [
      ['a1 ID ("name" "Thunderbird" "version" "128.0")', [SERVER, 'a1 OK ID completed']],
      ['a2 ID NIL', [SERVER, 'a2 OK ID completed']],
      ['a3 ID ("name" NIL)', [SERVER, 'a3 OK ID completed']],
    ]);
    await c.login(s.user.address, s.user.password);
    expect(await c.cmd('a4 ID NIL')).toEqual([SERVER, 'a4 OK ID completed']);
    await c.cmd('a5 SELECT INBOX');
    expect(await c.cmd('a6 ID ("os" "Linux")')).toEqual([SERVER, 'a6 OK ID completed']);
    await c.close();
  });

  it('malformed lists and the §3.3 limits are BAD, and the session goes on', async () => {
    const c = await s.h.connect();
    await expectReplies(c, [
      ['b1 ID', [expect.stringMatching(/^b1 BAD /)]],
      ['b2 ID ("name")', ['b2 BAD ID: the list must hold field/value pairs']],
      ['b3 ID name', ['b3 BAD ID: expected a parenthesized list or NIL']],
      ['b4 ID (name "x")', ['b4 BAD ID: field names must be strings']],
      [`b5 ID ("${'k'.repeat(31)}" "x")`, ['b5 BAD ID: field names are at most 30 bytes']],
      [`b6 ID ("name" "${'v'.repeat(1025)}")`, ['b6 BAD ID: values are at most 1024 bytes']],
    ]);
    const pairs = Array.from({ length: 31 }, (_, i) => `"f${i}" "v"`).join(' ');
    await expectReplies(c, [
      [`b7 ID (${pairs})`, ['b7 BAD ID: at most 30 field/value pairs']],
      ['b8 ID ("name" ("x"))', ['b8 BAD ID: values must be strings or NIL']],
      ['b9 ID NIL extra', ['b9 BAD ID: unexpected extra arguments']],
      ['b10 ID NIL', [SERVER, 'b10 OK ID completed']],
    ]);
    await c.close();
  });
});
