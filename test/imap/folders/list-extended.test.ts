/**
 * LIST-EXTENDED — RFC 5258: subscriptions are names that outlive their folders
 * (§3.1 `LIST (SUBSCRIBED)` answers a deleted folder's name with \NonExistent),
 * RECURSIVEMATCH (§3.5) answers a parent of subscribed names with
 * `CHILDINFO ("SUBSCRIBED")`, and `RETURN (CHILDREN SUBSCRIBED)` (§3.4, RFC 3348)
 * on a plain LIST. CREATE does not subscribe (RFC 3501 §6.3.3); the default
 * folders are subscribed. (Found by Dovecot's imaptest: `listext`, `subscribe`.)
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestImap, type TestImap, type TranscriptClient } from '../../helpers/imap.js';

let h: TestImap;
let c: TranscriptClient;

beforeEach(async () => {
  h = await startTestImap();
  const u = await h.provision();
  c = await h.connect();
  await c.login(u.address, u.password);
  for (const n of ['t/a', 't/b/', 't/b/x', 't/c', 't/d/e', 't/e/e', 't/f/f', 't/f/g', 't/gone']) expect((await c.cmd(`p CREATE ${n}`)).at(-1)).toMatch(/^p OK \[MAILBOXID \(F\d+-\d+\)\] CREATE completed$/);
  for (const n of ['t/a', 't/b/x', 't/e/e', 't/f/f', 't/f/g', 't/gone']) expect(await c.cmd(`q SUBSCRIBE ${n}`)).toEqual(['q OK SUBSCRIBE completed']);
  expect(await c.cmd('r DELETE t/gone')).toEqual(['r OK DELETE completed']);
});
afterEach(async () => {
  await c.close();
  await h.close();
});

describe('RFC 5258 LIST-EXTENDED', () => {
  it('§3.1 LIST (SUBSCRIBED) answers subscribed names, a deleted folder with \\NonExistent', async () => {
    expect(await c.cmd('a1 LIST (SUBSCRIBED) "" t/*')).toEqual([
      '* LIST (\\HasNoChildren \\Subscribed) "/" t/a',
      '* LIST (\\HasNoChildren \\Subscribed) "/" t/b/x',
      '* LIST (\\HasNoChildren \\Subscribed) "/" t/e/e',
      '* LIST (\\HasNoChildren \\Subscribed) "/" t/f/f',
      '* LIST (\\HasNoChildren \\Subscribed) "/" t/f/g',
      '* LIST (\\Subscribed \\NonExistent) "/" t/gone',
      'a1 OK LIST completed',
    ]);
    expect(await c.cmd('a2 LSUB "" t/gone')).toEqual(['* LSUB () "/" t/gone', 'a2 OK LSUB completed']);
    expect(await c.cmd('a3 UNSUBSCRIBE t/gone')).toEqual(['a3 OK UNSUBSCRIBE completed']);
    expect(await c.cmd('a4 LIST (SUBSCRIBED) "" t/gone')).toEqual(['a4 OK LIST completed']);
  });

  it('§3.5 RECURSIVEMATCH: CHILDINFO ("SUBSCRIBED") for a parent of subscribed names outside the pattern', async () => {
    expect(await c.cmd('b1 LIST (SUBSCRIBED RECURSIVEMATCH) "" t/b% RETURN (CHILDREN)')).toEqual([
      '* LIST (\\HasChildren) "/" t/b ("CHILDINFO" ("SUBSCRIBED"))',
      'b1 OK LIST completed',
    ]);
    // the subscribed child matches the pattern itself: the parent is not listed
    expect(await c.cmd('b2 LIST (SUBSCRIBED RECURSIVEMATCH) "" t*/e')).toEqual([
      '* LIST (\\HasNoChildren \\Subscribed) "/" t/e/e',
      'b2 OK LIST completed',
    ]);
    expect(await c.cmd('b3 LIST (SUBSCRIBED RECURSIVEMATCH) "" t*f')).toEqual([
      '* LIST (\\HasChildren) "/" t/f ("CHILDINFO" ("SUBSCRIBED"))',
      '* LIST (\\HasNoChildren \\Subscribed) "/" t/f/f',
      'b3 OK LIST completed',
    ]);
    expect(await c.cmd('b4 LIST (SUBSCRIBED RECURSIVEMATCH) "" (t/b t/b/x)')).toEqual([
      '* LIST (\\HasNoChildren \\Subscribed) "/" t/b/x',
      'b4 OK LIST completed',
    ]);
    expect(await c.cmd('b5 LIST (RECURSIVEMATCH) "" %')).toEqual([expect.stringMatching(/^b5 BAD /)]);
  });

  it('§3.4 RETURN (CHILDREN SUBSCRIBED) on a plain LIST; CREATE does not subscribe', async () => {
    expect(await c.cmd('c1 LIST "" t/% RETURN (CHILDREN SUBSCRIBED)')).toEqual([
      '* LIST (\\HasNoChildren \\Subscribed) "/" t/a',
      '* LIST (\\HasChildren) "/" t/b',
      '* LIST (\\HasNoChildren) "/" t/c',
      '* LIST (\\HasChildren) "/" t/d',
      '* LIST (\\HasChildren) "/" t/e',
      '* LIST (\\HasChildren) "/" t/f',
      'c1 OK LIST completed',
    ]);
    expect(await c.cmd('c2 LIST "" Sent RETURN (SUBSCRIBED)')).toEqual(['* LIST (\\HasNoChildren \\Sent \\Subscribed) "/" Sent', 'c2 OK LIST completed']);
  });

  it('RFC 3501 §6.3.9 LSUB with %: an unsubscribed parent is \\Noselect', async () => {
    expect(await c.cmd('d1 LSUB "" t/%')).toEqual([
      '* LSUB () "/" t/a',
      '* LSUB (\\Noselect) "/" t/b',
      '* LSUB (\\Noselect) "/" t/e',
      '* LSUB (\\Noselect) "/" t/f',
      '* LSUB () "/" t/gone',
      'd1 OK LSUB completed',
    ]);
  });
});
