/**
 * The lockout tells nobody which addresses exist and locks out only the network
 * that failed. Over real sockets from two client networks on loopback
 * (127.0.0.0/24 is the attacker, 127.0.1.0/24 the owner):
 *   - after 5 wrong passwords from one network, a real mailbox and an unknown
 *     address answer alike, SMTP and IMAP: same code and text, and neither
 *     faster than the failure delay (a refusal costs what a failure costs);
 *   - the owner's right password from another network logs in;
 *   - the audit journal and the login journal keep the whole story.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, type TestServer, PASSWORD } from '../helpers/server.js';
import { RawSmtp } from '../helpers/smtp-raw.js';
import { connect } from 'node:tls';
import { connect as netConnect } from 'node:net';

const DELAY = 300;
let t: TestServer;
let owner: string;
const unknown = 'no-such-person@example.org';

beforeAll(async () => {
  t = await startTestServer({ auth: { failureDelayMs: DELAY } });
  owner = (await t.provision('owner')).address;
});
afterAll(async () => t?.close());

async function smtpAuth(user: string, password: string, from: string): Promise<{ code: number; text: string; ms: number }> {
  const s = await RawSmtp.open(t.server.smtpPort, from);
  try {
    const started = Date.now();
    const r = await s.login(user, password);
    return { ...r, ms: Date.now() - started };
  } finally {
    s.close();
  }
}

/** One IMAP LOGIN from `from`; the tagged reply and its time. */
async function imapLogin(user: string, password: string, from: string): Promise<{ text: string; ms: number }> {
  // The local address chooses the client network (tls.connect has no localAddress of its own).
  const sock = connect({ socket: netConnect({ host: '127.0.0.1', port: t.server.imapPort, localAddress: from }), rejectUnauthorized: false });
  let buf = '';
  const lineWith = (re: RegExp) =>
    new Promise<string>((res, rej) => {
      const on = (d: Buffer) => {
        buf += d.toString('utf8');
        const m = buf.split('\r\n').find((l) => re.test(l));
        if (m) {
          sock.off('data', on);
          res(m);
        }
      };
      sock.on('data', on);
      sock.once('close', () => rej(new Error('closed')));
    });
  await lineWith(/^\* OK/);
  const started = Date.now();
  sock.write(`a LOGIN "${user}" "${password}"\r\n`);
  const text = await lineWith(/^a /);
  const ms = Date.now() - started;
  sock.destroy();
  return { text, ms };
}

describe('lockout per mailbox and client network', () => {
  it('SMTP: a locked mailbox and a locked unknown address answer alike; the owner logs in from another network', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await smtpAuth(owner, 'Wrong-Password-1', '127.0.0.1')).code).toBe(535);
      expect((await smtpAuth(unknown, 'Wrong-Password-1', '127.0.0.1')).code).toBe(535);
    }
    const real = await smtpAuth(owner, PASSWORD, '127.0.0.1');
    const none = await smtpAuth(unknown, PASSWORD, '127.0.0.1');
    console.log(`SMTP locked mailbox: ${real.text} (${real.ms} ms); unknown address: ${none.text} (${none.ms} ms)`);
    expect(real.code).toBe(454);
    expect(none.text).toBe(real.text);
    expect(real.ms).toBeGreaterThanOrEqual(DELAY);
    expect(none.ms).toBeGreaterThanOrEqual(DELAY);
    // The owner, from another network, with the right password.
    const home = await smtpAuth(owner, PASSWORD, '127.0.1.5');
    expect(home.code, home.text).toBe(235);
  });

  it('IMAP: the same answer for both, and the owner logs in from another network', async () => {
    const owner2 = (await t.provision('owner2')).address;
    const unknown2 = 'nobody-here@example.org';
    for (let i = 0; i < 5; i++) {
      await imapLogin(owner2, 'Wrong-Password-1', '127.0.2.1');
      await imapLogin(unknown2, 'Wrong-Password-1', '127.0.2.1');
    }
    const real = await imapLogin(owner2, PASSWORD, '127.0.2.1');
    const none = await imapLogin(unknown2, PASSWORD, '127.0.2.1');
    console.log(`IMAP locked mailbox: ${real.text} (${real.ms} ms); unknown address: ${none.text} (${none.ms} ms)`);
    expect(real.text).toMatch(/^a NO \[UNAVAILABLE\]/);
    expect(none.text).toBe(real.text);
    expect(real.ms).toBeGreaterThanOrEqual(DELAY);
    expect(none.ms).toBeGreaterThanOrEqual(DELAY);
    expect((await imapLogin(owner2, PASSWORD, '127.0.3.9')).text).toMatch(/^a OK/);
  });

  it('journals the failures, the lockout with its network, the refused attempts and the login from elsewhere', () => {
    const audit = t.server.db.prepare(`SELECT action, outcome, remote, details FROM audit_events WHERE subject = ? ORDER BY id`).all(`mailbox:${owner}`) as Array<{ action: string; outcome: string; remote: string; details: string }>;
    expect(audit.filter((r) => r.action === 'login' && r.outcome === 'failed')).toHaveLength(5);
    const lock = audit.find((r) => r.action === 'lockout')!;
    expect(JSON.parse(lock.details)).toMatchObject({ kind: 'mailbox', network: '127.0.0.0/24' });
    expect(audit.filter((r) => r.action === 'login' && r.outcome === 'refused')).toHaveLength(1);
    expect(audit.filter((r) => r.action === 'login' && r.outcome === 'ok').map((r) => r.remote)).toEqual(['127.0.1.5']);
    const logins = t.server.db.prepare('SELECT outcome FROM logins WHERE address = ? ORDER BY id').all(owner) as Array<{ outcome: string }>;
    expect(logins.map((r) => r.outcome)).toEqual([...Array(5).fill('failed'), 'locked', 'ok']);
  });
});
