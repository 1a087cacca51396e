/**
 * NAMESPACE — RFC 2342 §5: one personal namespace with prefix "" and delimiter "/", no
 * other users' and no shared namespaces (NIL NIL); in the authenticated and selected
 * states; before login BAD; arguments are BAD.
 */
import { describe, it, expect } from 'vitest';
import { useImapSession } from '../../helpers/imap-session.js';

const s = useImapSession({ once: true });
const ANSWER = '* NAMESPACE (("" "/")) NIL NIL';

describe('NAMESPACE (RFC 2342 §5)', () => {
  it('one personal namespace, authenticated and selected', async () => {
    expect(await s.c.cmd('a1 NAMESPACE')).toEqual([ANSWER, 'a1 OK NAMESPACE completed']);
    await s.c.cmd('a2 SELECT INBOX');
    expect(await s.c.cmd('a3 NAMESPACE')).toEqual([ANSWER, 'a3 OK NAMESPACE completed']);
  });

  it('the wrong state and arguments are BAD', async () => {
    const before = await s.h.connect();
    expect(await before.cmd('b1 NAMESPACE')).toEqual(['b1 BAD NAMESPACE: authenticate first']);
    await before.close();
    expect(await s.c.cmd('b2 NAMESPACE x')).toEqual(['b2 BAD NAMESPACE: unexpected extra arguments']);
    expect(await s.c.cmd('b3 NAMESPACE')).toEqual([ANSWER, 'b3 OK NAMESPACE completed']);
  });
});
