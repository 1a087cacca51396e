import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestImap, sampleMessage, type TestImap } from '../../helpers/imap.js';
import { transcripts } from '../../helpers/transcript.js';
import { registerCommand } from '../../../src/imap/registry.js';
import { getFolder } from '../../../src/store/folders.js';
import { storeFlags, expungeMessages } from '../../../src/store/messages.js';
import { publish } from '../../../src/store/changes.js';
import { FLAG_SEEN } from '../../../src/store/flags.js';

// Stand-ins with the properties of the message commands: one like FETCH (no EXPUNGE after it),
// one like IDLE (changes written at once, ends with DONE).
registerCommand({
  name: 'XFETCHLIKE',
  states: ['selected'],
  uid: true,
  expungeAfter: false,
  async run() {
    return { status: 'OK', text: 'done' };
  },
});
registerCommand({
  name: 'XIDLE',
  states: ['selected'],
  interactive: true,
  async run(ctx) {
    await ctx.session.startIdle();
    await ctx.session.continueRequest('idling');
    const line = await ctx.session.readLine();
    ctx.session.stopIdle();
    return line?.toUpperCase() === 'DONE' ? { status: 'OK', text: 'IDLE terminated' } : { status: 'BAD', text: 'expected DONE' };
  },
});

registerCommand({
  name: 'XALERT',
  states: ['not-authenticated', 'authenticated', 'selected'],
  async run(ctx) {
    ctx.session.queueUntagged('* OK [ALERT] queued');
    await ctx.session.send('* XALERT direct');
    return { status: 'OK', text: 'done' };
  },
});

const t = transcripts(import.meta.url, 'updates');
let h: TestImap;
beforeAll(async () => {
  h = await startTestImap();
});
afterAll(async () => {
  await h.close();
});

describe('changes from elsewhere reach a selected session (RFC 3501 §7.4.1, §5.2)', () => {
  it('EXISTS and FETCH FLAGS any time, EXPUNGE not after a FETCH-like command', async () => {
    const u = await h.provision();
    for (const s of ['a', 'b', 'c']) h.addMessage(u.mailboxId, 'INBOX', sampleMessage(s));
    const folderId = getFolder(h.db, u.mailboxId, 'INBOX')!.id;
    const c = await h.connect();
    await c.login(u.address, u.password);
    await t(c, 'EXISTS and FETCH FLAGS any time (RFC 3501 §7.4.1, §5.2): SELECT');

    publish(h.bus, expungeMessages(h.db, folderId, [2]));
    publish(h.bus, storeFlags(h.db, { folderId, uids: [1], mode: 'add', flags: FLAG_SEEN, keywords: [], origin: 'another-session' }));
    h.addMessage(u.mailboxId, 'INBOX', sampleMessage('d'));

    await t(c, 'EXISTS and FETCH FLAGS any time, EXPUNGE not after a FETCH-like command (RFC 3501 §7.4.1, §5.2)');
    // the UID form may carry EXPUNGE (RFC 3501 §7.4.1)
    publish(h.bus, expungeMessages(h.db, folderId, [3]));
    await t(c, 'the UID form may carry EXPUNGE (RFC 3501 §7.4.1)');
    await c.close();
  });

  it('flag changes made by this session itself are not echoed', async () => {
    const u = await h.provision();
    h.addMessage(u.mailboxId, 'INBOX', sampleMessage('a'));
    const folderId = getFolder(h.db, u.mailboxId, 'INBOX')!.id;
    const c = await h.connect();
    await c.login(u.address, u.password);
    await c.cmd('s1 SELECT INBOX');
    const sid = [...h.server.sessions].find((s) => s.mailboxId === u.mailboxId)!.id;
    publish(h.bus, storeFlags(h.db, { folderId, uids: [1], mode: 'add', flags: FLAG_SEEN, keywords: [], origin: sid }));
    await t(c, 'flag changes made by this session itself are not echoed');
    await c.close();
  });

  it('during IDLE changes are written at once, EXPUNGE included; pipelined DONE + command', async () => {
    const u = await h.provision();
    h.addMessage(u.mailboxId, 'INBOX', sampleMessage('a'));
    h.addMessage(u.mailboxId, 'INBOX', sampleMessage('b'));
    const folderId = getFolder(h.db, u.mailboxId, 'INBOX')!.id;
    const c = await h.connect();
    await c.login(u.address, u.password);
    await c.cmd('s1 SELECT INBOX');
    c.send('i1 XIDLE');
    expect(await c.line()).toBe('+ idling');
    h.addMessage(u.mailboxId, 'INBOX', sampleMessage('c'));
    expect(await c.line()).toBe('* 3 EXISTS');
    expect(await c.line()).toBe('* 3 RECENT');
    publish(h.bus, expungeMessages(h.db, folderId, [1]));
    expect(await c.line()).toBe('* 1 EXPUNGE');
    c.write('DONE\r\ni2 NOOP\r\n');
    expect(await c.until('i2')).toEqual(['i1 OK IDLE terminated', 'i2 OK NOOP completed']);
    await c.close();
  });

  it('QRESYNC sessions get VANISHED instead of EXPUNGE', async () => {
    const u = await h.provision();
    for (const s of ['a', 'b', 'c', 'd']) h.addMessage(u.mailboxId, 'INBOX', sampleMessage(s));
    const folderId = getFolder(h.db, u.mailboxId, 'INBOX')!.id;
    const c = await h.connect();
    await c.login(u.address, u.password);
    await c.cmd('q0 ENABLE QRESYNC');
    await c.cmd('q1 SELECT INBOX');
    publish(h.bus, expungeMessages(h.db, folderId, [2, 3]));
    await t(c, 'QRESYNC sessions get VANISHED instead of EXPUNGE (RFC 7162 §3.2.10)');
    await c.close();
  });
});

describe('queued untagged lines', () => {
  it('go out after the command output, before the tagged reply, in any state', async () => {
    const c = await h.connect();
    await t(c, 'queued untagged lines go out after the command output, before the tagged reply, in any state');
    await c.close();
  });
});

describe('the selected folder changes in another session', () => {
  it('renamed: the session keeps working; deleted: * BYE', async () => {
    const u = await h.provision();
    const a = await h.connect();
    const b = await h.connect();
    await a.login(u.address, u.password);
    await b.login(u.address, u.password);
    await t(a, 'renamed: a selects Work');
    await t(b, 'renamed: b renames Work');
    await t(a, 'renamed: the session keeps working');
    await t(b, 'deleted: b deletes Job');
    expect(await a.rest()).toEqual(['* BYE Selected folder was deleted']);
  });
});
