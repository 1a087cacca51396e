/**
 * CREATE — RFC 3501 §6.3.3: missing superior levels are created, a trailing delimiter
 * is ignored, an existing name (INBOX in any case) is NO [ALREADYEXISTS] (RFC 5530);
 * names are modified UTF-7 (RFC 3501 §5.1.3), a malformed one is BAD.
 */
import { describe, it, expect } from 'vitest';
import { expectReplies, useImapServer, itRejectsBadSyntax } from '../../helpers/imap-session.js';
import { getFolder } from '../../../src/store/folders.js';

const s = useImapServer();

describe('CREATE (RFC 3501 §6.3.3)', () => {
  it('CREATE with intermediate levels, % and *, Cyrillic names in modified UTF-7', async () => {
    const { h } = s;
    const { c, mailboxId } = await s.session();
    expect(await c.cmd('b1 CREATE &BB0EMAQ7BD4EMwQ4-/2026/')).toEqual([expect.stringMatching(/^b1 OK \[MAILBOXID \(F\d+-\d+\)\] CREATE completed$/)]);
    expect(getFolder(h.db, mailboxId, 'Налоги/2026')).toBeDefined();
    await expectReplies(c, [
      ['b2 CREATE &BB0EMAQ7BD4EMwQ4-', ['b2 NO [ALREADYEXISTS] folder "Налоги" already exists']],
      ['b3 CREATE inbox', ['b3 NO [ALREADYEXISTS] folder "INBOX" already exists']],
      ['b4 CREATE &Jjo', ['b4 BAD Invalid modified UTF-7 in mailbox name: unterminated "&"']],
    ]);
    expect(await c.cmd('b5 LIST "" %')).toContain('* LIST (\\HasChildren) "/" &BB0EMAQ7BD4EMwQ4-');
    await expectReplies(c, [
      ['b6 LIST "&BB0EMAQ7BD4EMwQ4-/" %', [
        '* LIST (\\HasNoChildren) "/" &BB0EMAQ7BD4EMwQ4-/2026',
        'b6 OK LIST completed',
      ]],
      ['b7 LIST "" &BB0EMAQ7BD4EMwQ4-*', [
        '* LIST (\\HasChildren) "/" &BB0EMAQ7BD4EMwQ4-',
        '* LIST (\\HasNoChildren) "/" &BB0EMAQ7BD4EMwQ4-/2026',
        'b7 OK LIST completed',
      ]],
      ['b8 CREATE "with space"', [expect.stringMatching(/^b8 OK \[MAILBOXID \(F\d+-\d+\)\] CREATE completed$/)]],
      ['b9 LIST "" "with*"', ['* LIST (\\HasNoChildren) "/" "with space"', 'b9 OK LIST completed']],
    ]);
    await c.close();
  });

  itRejectsBadSyntax(s, {
    needsLogin: ['CREATE x'],
    replies: [
      ['b1 CREATE', ['b1 BAD CREATE: missing mailbox name']],
      ['b2 CREATE a b', ['b2 BAD CREATE: unexpected extra arguments']],
      ['b3 LIST "" a', ['b3 OK LIST completed']],
    ],
  });
});
