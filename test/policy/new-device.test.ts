/**
 * New-device notices: the first login from a new client name (or network) puts
 * exactly one notice into INBOX; a second login from it none.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { networkOf, NOTICE_SUBJECT } from '../../src/policy/new-device.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ notices: { newDevice: true, operatorContact: 'support@example.org, +7 800 000-00-00' } });
});
afterAll(async () => t?.close());

function notices(address: string): Array<{ subject: string }> {
  return t.server.db
    .prepare(
      `SELECT s.subject FROM messages m JOIN blob_search s ON s.blob_id = m.blob_id JOIN folders f ON f.id = m.folder_id
        JOIN mailboxes x ON x.id = f.mailbox_id WHERE x.address = ? AND f.name = 'INBOX' AND s.subject = ?`,
    )
    .all(address, NOTICE_SUBJECT.toLowerCase()) as Array<{ subject: string }>;
}

async function waitFor(fn: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !fn(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('new-device notices', () => {
  it('one notice for a new client name, none for the same device again', async () => {
    const { address } = await t.provision('erin');
    const login = async (name: string) => {
      const s = t.smtp(address, undefined, { name });
      await s.verify();
      s.close();
    };
    await login('laptop.local');
    await waitFor(() => notices(address).length === 1);
    expect(notices(address)).toHaveLength(1);
    await login('laptop.local');
    await new Promise((r) => setTimeout(r, 200));
    expect(notices(address)).toHaveLength(1);
    await login('phone.local');
    await waitFor(() => notices(address).length === 2);
    expect(notices(address)).toHaveLength(2);

    const c = await t.imap(address);
    const lock = await c.getMailboxLock('INBOX');
    const m = await c.fetchOne('1', { envelope: true, source: true });
    lock.release();
    await c.logout();
    expect(m && m.envelope?.subject).toBe(NOTICE_SUBJECT);
    expect(m && m.envelope?.from?.[0]?.address).toBe('postmaster@example.org');
    const text = m && m.source ? m.source.toString('utf8') : '';
    expect(text).toContain('laptop.local');
    expect(text).toContain('Время (Москва)');
    expect(text).toContain('support@example.org');
  });

  it('groups addresses by /24 and /64 networks', () => {
    expect(networkOf('192.0.2.17')).toBe(networkOf('192.0.2.200'));
    expect(networkOf('192.0.2.17')).not.toBe(networkOf('192.0.3.17'));
    expect(networkOf('::ffff:192.0.2.1')).toBe(networkOf('192.0.2.9'));
    expect(networkOf('2001:db8:1:2::1')).toBe(networkOf('2001:db8:1:2:ffff::9'));
    expect(networkOf('2001:db8:1:2::1')).not.toBe(networkOf('2001:db8:1:3::1'));
  });
});
