/**
 * A block stops every use at once: sessions authenticated before an operator's
 * `account block`, `account consent revoke`, `mailbox delete` or `mailbox passwd`
 * — each run by the CLI in its own process, as operators do — get a refusal on
 * their next MAIL, RCPT or DATA (SMTP) and `* BYE` (IMAP, selected and IDLE),
 * and nothing they send after the change is delivered.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, type TestServer, PASSWORD } from '../helpers/server.js';
import { TranscriptClient } from '../helpers/imap.js';
import { RawSmtp } from '../helpers/smtp-raw.js';
import { ensureBuilt, makeCli } from '../cli/helpers.js';

let t: TestServer;
let bob: string;
let cli: ReturnType<typeof makeCli>;

beforeAll(async () => {
  ensureBuilt();
  t = await startTestServer();
  bob = (await t.provision('bob')).address;
  cli = makeCli({ GOSPOCHTA_DATA_DIR: t.cfg.dataDir, GOSPOCHTA_DOMAINS: 'example.org' });
});
afterAll(async () => t?.close());

const message = (from: string, subject: string) => `From: ${from}\r\nTo: ${bob}\r\nSubject: ${subject}\r\n\r\nhello\r\n`;

function inboxCount(subject: string): number {
  return (t.server.db.prepare('SELECT count(*) AS n FROM blob_search WHERE subject = ?').get(subject) as { n: number }).n;
}

/** Wait for `* BYE` from an IMAP session, in ms since `from`; throws when none comes in 10 s. */
async function byeAfter(c: TranscriptClient, from: number): Promise<{ ms: number; line: string }> {
  const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no BYE within 10 s')), 10_000));
  for (;;) {
    const line = await Promise.race([c.line(), timeout]);
    if (line.startsWith('* BYE')) return { ms: Date.now() - from, line };
  }
}

const actions: Array<{ name: string; run: (who: { address: string; accountId: number }) => void }> = [
  { name: 'account block', run: (w) => expect(cli.run(['account', 'block', String(w.accountId), '--reason', 'test']).status).toBe(0) },
  { name: 'account consent revoke', run: (w) => expect(cli.run(['account', 'consent', 'revoke', String(w.accountId)]).status).toBe(0) },
  { name: 'mailbox delete', run: (w) => expect(cli.run(['mailbox', 'delete', w.address, '--reason', 'test']).status).toBe(0) },
  { name: 'mailbox passwd', run: (w) => expect(cli.run(['mailbox', 'passwd', w.address, '--password-stdin'], 'Brand-New-Horse-93\n').status).toBe(0) },
];

describe('a session authenticated before an operator withdraws access', () => {
  for (const [i, action] of actions.entries()) {
    it(`${action.name}: SMTP refuses the next MAIL, RCPT and DATA; IMAP says BYE`, async () => {
      const who = await t.provision(`user${i}a`);
      const subject = `after ${action.name}`;
      // Three SMTP sessions: one about to send MAIL, one after MAIL (RCPT next), one after RCPT (DATA next).
      const beforeMail = await RawSmtp.open(t.server.smtpPort);
      const beforeRcpt = await RawSmtp.open(t.server.smtpPort);
      const beforeData = await RawSmtp.open(t.server.smtpPort);
      for (const s of [beforeMail, beforeRcpt, beforeData]) expect((await s.login(who.address, PASSWORD)).code).toBe(235);
      expect((await beforeRcpt.cmd(`MAIL FROM:<${who.address}>`)).code).toBe(250);
      expect((await beforeData.cmd(`MAIL FROM:<${who.address}>`)).code).toBe(250);
      expect((await beforeData.cmd(`RCPT TO:<${bob}>`)).code).toBe(250);
      // Two IMAP sessions: one selected, one in IDLE.
      const selected = await TranscriptClient.connect(t.server.imapPort);
      await selected.login(who.address, PASSWORD);
      expect((await selected.cmd('S1 SELECT INBOX')).at(-1)).toMatch(/^S1 OK/);
      const idle = await TranscriptClient.connect(t.server.imapPort);
      await idle.login(who.address, PASSWORD);
      await idle.cmd('S1 SELECT INBOX');
      idle.send('I1 IDLE');
      expect(await idle.line()).toMatch(/^\+ /);

      const changed = Date.now();
      action.run(who);

      const [bye1, bye2] = await Promise.all([byeAfter(selected, changed), byeAfter(idle, changed)]);
      console.log(`${action.name}: IMAP BYE after ${bye1.ms} ms (selected) and ${bye2.ms} ms (IDLE): ${bye1.line}`);
      expect(bye1.line).toMatch(/withdrawn/);

      const mail = await beforeMail.cmd(`MAIL FROM:<${who.address}>`);
      const rcpt = await beforeRcpt.cmd(`RCPT TO:<${bob}>`);
      const data = await beforeData.data(message(who.address, subject));
      for (const [step, r] of [['MAIL', mail], ['RCPT', rcpt], ['DATA', data]] as const) {
        // Either the refusal of the command, or the 421 the server sent before closing (then the connection is gone: code 0 after it).
        expect(r.code === 0 || r.code >= 400, `${step}: ${r.text}`).toBe(true);
      }
      for (const s of [beforeMail, beforeRcpt, beforeData]) s.close();
      expect(inboxCount(subject)).toBe(0);
      // And no new session either.
      const again = await RawSmtp.open(t.server.smtpPort);
      expect((await again.login(who.address, PASSWORD)).code).toBe(535);
      again.close();
    });
  }

  it('a session stopped after RCPT, then blocked while DATA streams, gets no 250', async () => {
    const who = await t.provision('streamer');
    const s = await RawSmtp.open(t.server.smtpPort);
    expect((await s.login(who.address, PASSWORD)).code).toBe(235);
    expect((await s.cmd(`MAIL FROM:<${who.address}>`)).code).toBe(250);
    expect((await s.cmd(`RCPT TO:<${bob}>`)).code).toBe(250);
    expect((await s.cmd('DATA')).code).toBe(354);
    s.write(`From: ${who.address}\r\nTo: ${bob}\r\nSubject: blocked mid-data\r\n\r\n`);
    expect(cli.run(['account', 'block', String(who.accountId), '--reason', 'test']).status).toBe(0);
    s.write('the rest\r\n.\r\n');
    const r = await s.read();
    expect(r.code === 0 || r.code >= 400, r.text).toBe(true);
    s.close();
    expect(inboxCount('blocked mid-data')).toBe(0);
  });

  it('the same in the server process (an operator action through the bus) ends SMTP sessions with 421', async () => {
    const who = await t.provision('inproc');
    const s = await RawSmtp.open(t.server.smtpPort);
    expect((await s.login(who.address, PASSWORD)).code).toBe(235);
    const { blockAccount } = await import('../../src/identity/accounts.js');
    blockAccount({ db: t.server.db, cfg: t.cfg, actor: 'operator:test', bus: t.server.bus }, who.accountId, 'test');
    const r = await s.read();
    expect(r.code).toBe(421);
    expect(r.text).toMatch(/^421 4\.7\.0 .*withdrawn/);
    expect((await s.read()).code).toBe(0);
  });
});
