/**
 * Address groups — RFC 5322 §3.4 (`display-name ":" [group-list] ";"`): SEARCH TO /
 * CC (RFC 3501 §6.4.4) finds a message by its group name as well as by the members,
 * and ENVELOPE encodes a group per RFC 3501 §7.4.2: a start marker with NIL host and
 * the group name as mailbox name, the members, then an end marker of all NIL.
 * (Found by Dovecot's imaptest: the `search-addresses` group.) Messages stored
 * before get the group names into their search text from migration 6.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Database from 'better-sqlite3';
import { selectedInbox, startTestImap, type TestImap, type TranscriptClient } from '../../helpers/imap.js';
import { migrations } from '../../../src/store/migrations.js';

let h: TestImap;
let c: TranscriptClient;

beforeAll(async () => {
  h = await startTestImap();
  const u = await h.provision();
  h.addMessage(
    u.mailboxId,
    'INBOX',
    'From: RealFrom <user-from@domain.org>\r\nTo: groupname: groupuser1@domain.org, groupuser2@domain.org;,\r\n  groupname2: groupuser3@domain.org;\r\nSubject: groups\r\n\r\nbody6\r\n',
  );
  h.addMessage(u.mailboxId, 'INBOX', 'From: RealFrom <user-from@domain.org>\r\nTo: groupname:;\r\nSubject: empty group\r\n\r\nbody7\r\n');
  h.addMessage(u.mailboxId, 'INBOX', 'From: a@domain.org\r\nTo: plain@domain.org\r\nSubject: no group\r\n\r\nx\r\n');
  c = await selectedInbox(h, u);
});
afterAll(async () => {
  await c.close();
  await h.close();
});

describe('RFC 5322 §3.4 groups', () => {
  it('SEARCH TO finds the group name and its members', async () => {
    expect(await c.cmd('a1 SEARCH TO groupname')).toEqual(['* SEARCH 1 2', 'a1 OK SEARCH completed']);
    expect(await c.cmd('a2 SEARCH TO groupname2')).toEqual(['* SEARCH 1', 'a2 OK SEARCH completed']);
    expect(await c.cmd('a3 SEARCH TO groupuser3')).toEqual(['* SEARCH 1', 'a3 OK SEARCH completed']);
    expect(await c.cmd('a4 SEARCH TO plain')).toEqual(['* SEARCH 3', 'a4 OK SEARCH completed']);
  });

  it('ENVELOPE: start marker (NIL NIL "groupname" NIL), members, end marker (NIL NIL NIL NIL) — RFC 3501 §7.4.2', async () => {
    const r = await c.cmd('a5 FETCH 1:2 ENVELOPE');
    expect(r[0]).toContain(
      '((NIL NIL "groupname" NIL)(NIL NIL "groupuser1" "domain.org")(NIL NIL "groupuser2" "domain.org")(NIL NIL NIL NIL)' +
        '(NIL NIL "groupname2" NIL)(NIL NIL "groupuser3" "domain.org")(NIL NIL NIL NIL))',
    );
    expect(r[1]).toContain('((NIL NIL "groupname" NIL)(NIL NIL NIL NIL))');
    expect(r[2]).toBe('a5 OK FETCH completed');
  });

  it('migration 6 puts group names into the search text of stored messages', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, parsed TEXT); CREATE TABLE blob_search (blob_id INTEGER PRIMARY KEY, from_text TEXT, to_text TEXT, cc_text TEXT, bcc_text TEXT)');
    const env = {
      from: [{ name: null, adl: null, mailbox: 'a', host: 'b.test' }],
      to: [
        { name: null, adl: null, mailbox: 'groupname', host: null },
        { name: null, adl: null, mailbox: 'c', host: 'd.test' },
        { name: null, adl: null, mailbox: null, host: null },
      ],
      cc: null,
      bcc: null,
    };
    db.prepare('INSERT INTO blobs VALUES (1, ?), (2, ?)').run(JSON.stringify({ envelope: env }), JSON.stringify({ envelope: { ...env, to: null } }));
    db.exec("INSERT INTO blob_search VALUES (1, 'a@b.test', 'c@d.test', '', ''), (2, 'a@b.test', '', '', '')");
    const m = migrations.find((x) => x.version === 6)!;
    db.exec(m.sql);
    m.backfill!(db);
    expect(db.prepare('SELECT blob_id, to_text FROM blob_search ORDER BY blob_id').all()).toEqual([
      { blob_id: 1, to_text: 'groupname: c@d.test;' },
      { blob_id: 2, to_text: '' },
    ]);
    db.close();
  });
});
