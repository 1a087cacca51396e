import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { ImapFlow, StatusObject } from 'imapflow';
import { imapFlowClient } from '../../helpers/imapflow.js';
import { startTestImap, sampleMessage, type TestImap } from '../../helpers/imap.js';

let h: TestImap;

beforeAll(async () => {
  h = await startTestImap();
});
afterAll(async () => {
  await h.close();
});

function client(user: string, pass: string): ImapFlow {
  return imapFlowClient(h.port, user, pass, { clientInfo: { name: 'imapflow-test', version: '2' } });
}

describe('imapflow against the server', () => {
  it('connects, lists, creates Налоги/2026, lists it back, STATUS, SELECT', async () => {
    const u = await h.provision();
    h.addMessage(u.mailboxId, 'INBOX', sampleMessage('Привет'));
    const c = client(u.address, u.password);
    await c.connect();
    expect(c.capabilities.has('IDLE')).toBe(true);
    const before = await c.list();
    const byPath = new Map(before.map((m) => [m.path, m]));
    expect(byPath.get('INBOX')?.specialUse).toBe('\\Inbox');
    expect(byPath.get('Sent')?.specialUse).toBe('\\Sent');
    expect(byPath.get('Trash')?.specialUse).toBe('\\Trash');
    expect(byPath.get('Sent')?.delimiter).toBe('/');

    const created = await c.mailboxCreate(['Налоги', '2026']);
    expect(created.path).toBe('Налоги/2026');
    const after = await c.list();
    const paths = after.map((m) => m.path);
    expect(paths).toContain('Налоги');
    expect(paths).toContain('Налоги/2026');
    expect(after.find((m) => m.path === 'Налоги/2026')?.name).toBe('2026');

    const st = await c.status('INBOX', { messages: true, unseen: true, uidNext: true, uidValidity: true, recent: true });
    expect(st).toMatchObject({ path: 'INBOX', messages: 1, unseen: 1, uidNext: 2 });

    const box = await c.mailboxOpen('INBOX');
    expect(box.exists).toBe(1);
    expect(box.uidNext).toBe(2);
    expect(box.readOnly).toBe(false);
    const tax = await c.mailboxOpen('Налоги/2026', { readOnly: true });
    expect(tax.exists).toBe(0);
    expect(tax.readOnly).toBe(true);

    await c.mailboxRename('Налоги/2026', 'Налоги/2027');
    expect((await c.list()).map((m) => m.path)).toContain('Налоги/2027');
    await c.mailboxDelete('Налоги/2027');
    expect((await c.list()).map((m) => m.path)).not.toContain('Налоги/2027');
    await c.logout();
  });

  it('subscriptions, LIST-STATUS, tree, HIGHESTMODSEQ', async () => {
    const u = await h.provision();
    h.addMessage(u.mailboxId, 'INBOX', sampleMessage('one'));
    const c = client(u.address, u.password);
    await c.connect();
    await c.mailboxCreate('Проекты/Отчёты');
    await c.mailboxUnsubscribe('Junk');
    const listed = await c.list({ statusQuery: { messages: true, unseen: true } });
    const inbox = listed.find((m) => m.path === 'INBOX')!;
    expect(inbox.status).toMatchObject({ messages: 1, unseen: 1 });
    expect(listed.find((m) => m.path === 'Junk')?.subscribed).toBeFalsy();
    expect(listed.find((m) => m.path === 'Sent')?.subscribed).toBe(true);
    const tree = await c.listTree();
    const projects = tree.folders?.find((f) => f.path === 'Проекты');
    expect(projects?.folders?.map((f) => f.name)).toEqual(['Отчёты']);
    const st = (await c.status('INBOX', { highestModseq: true })) as StatusObject;
    expect(typeof st.highestModseq).toBe('bigint');
    await c.logout();
  });

  it('a wrong password is refused', async () => {
    const u = await h.provision();
    const c = client(u.address, 'wrong-password');
    await expect(c.connect()).rejects.toThrow();
  });
});
