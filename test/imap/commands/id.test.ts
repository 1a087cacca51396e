/**
 * ID — RFC 2971 §3.1: the client sends a list of field/value pairs or NIL, the server
 * answers `* ID (…)` with its own, in every state; §3.3 limits (30 pairs, field names
 * of 30 bytes, values of 1024 bytes, values strings or NIL); anything else is BAD. The
 * client's "name" and "version" go to the login journal (test/imap/commands/login.test.ts).
 */
import { describe, it, expect } from 'vitest';
import { useImapSession } from '../../helpers/imap-session.js';

const s = useImapSession({ once: true, login: false });
const SERVER = '* ID ("name" "gospochta" "vendor" "gospochta")';

describe('ID (RFC 2971 §3.1)', () => {
  it('answers with the server\'s fields, to a list or NIL, in every state', async () => {
    const c = await s.h.connect();
    expect(await c.cmd('a1 ID ("name" "Thunderbird" "version" "128.0")')).toEqual([SERVER, 'a1 OK ID completed']);
    expect(await c.cmd('a2 ID NIL')).toEqual([SERVER, 'a2 OK ID completed']);
    expect(await c.cmd('a3 ID ("name" NIL)')).toEqual([SERVER, 'a3 OK ID completed']);
    await c.login(s.user.address, s.user.password);
    expect(await c.cmd('a4 ID NIL')).toEqual([SERVER, 'a4 OK ID completed']);
    await c.cmd('a5 SELECT INBOX');
    expect(await c.cmd('a6 ID ("os" "Linux")')).toEqual([SERVER, 'a6 OK ID completed']);
    await c.close();
  });

  it('malformed lists and the §3.3 limits are BAD, and the session goes on', async () => {
    const c = await s.h.connect();
    expect(await c.cmd('b1 ID')).toEqual([expect.stringMatching(/^b1 BAD /)]);
    expect(await c.cmd('b2 ID ("name")')).toEqual(['b2 BAD ID: the list must hold field/value pairs']);
    expect(await c.cmd('b3 ID name')).toEqual(['b3 BAD ID: expected a parenthesized list or NIL']);
    expect(await c.cmd('b4 ID (name "x")')).toEqual(['b4 BAD ID: field names must be strings']);
    expect(await c.cmd(`b5 ID ("${'k'.repeat(31)}" "x")`)).toEqual(['b5 BAD ID: field names are at most 30 bytes']);
    expect(await c.cmd(`b6 ID ("name" "${'v'.repeat(1025)}")`)).toEqual(['b6 BAD ID: values are at most 1024 bytes']);
    const pairs = Array.from({ length: 31 }, (_, i) => `"f${i}" "v"`).join(' ');
    expect(await c.cmd(`b7 ID (${pairs})`)).toEqual(['b7 BAD ID: at most 30 field/value pairs']);
    expect(await c.cmd('b8 ID ("name" ("x"))')).toEqual(['b8 BAD ID: values must be strings or NIL']);
    expect(await c.cmd('b9 ID NIL extra')).toEqual(['b9 BAD ID: unexpected extra arguments']);
    expect(await c.cmd('b10 ID NIL')).toEqual([SERVER, 'b10 OK ID completed']);
    await c.close();
  });
});
