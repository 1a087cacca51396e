/**
 * NAMESPACE — RFC 2342 §5: one personal namespace with prefix "" and delimiter "/", no
 * other users' and no shared namespaces (NIL NIL); in the authenticated and selected
 * states; before login BAD; arguments are BAD.
 */
import { describe, it, expect } from 'vitest';
import { expectNeedsLogin, expectReplies, useImapSession } from '../../helpers/imap-session.js';

const s = useImapSession({ once: true });
const ANSWER = '* NAMESPACE (("" "/")) NIL NIL';

describe('NAMESPACE (RFC 2342 §5)', () => {
  it('one personal namespace, authenticated and selected', async () => {
    expect(await s.c.cmd('a1 NAMESPACE')).toEqual([ANSWER, 'a1 OK NAMESPACE completed']);
    await s.c.cmd('a2 SELECT INBOX');
    expect(await s.c.cmd('a3 NAMESPACE')).toEqual([ANSWER, 'a3 OK NAMESPACE completed']);
  });

  it('the wrong state and arguments are BAD', async () => {
    await expectNeedsLogin(s.h, ['NAMESPACE']);
    await expectReplies(s.c, [
      ['b2 NAMESPACE x', ['b2 BAD NAMESPACE: unexpected extra arguments']],
      ['b3 NAMESPACE', [ANSWER, 'b3 OK NAMESPACE completed']],
    ]);
  });
});
