/**
 * POP3 in `gospochta serve` with two worker processes: every worker listens on the
 * shared POP3 port (GOSPOCHTA_POP3_PORT), connections land on both, and a DELE
 * committed at QUIT through one worker reaches an IMAP session on another (the
 * change feed).
 */
import { describe, it, expect } from 'vitest';
import nodemailer from 'nodemailer';
import { freePort, PASSWORD } from '../helpers/child-server.js';
import { TranscriptClient } from '../helpers/imap.js';
import { useCluster, lineMatching } from '../helpers/cluster.js';
import { Pop3Client } from '../helpers/pop3.js';

let pop3Port = 0;
let dana = '';
const cluster = useCluster(
  async () => {
    pop3Port = await freePort();
    return { GOSPOCHTA_WORKERS: '2', GOSPOCHTA_POP3_PORT: String(pop3Port), LOG_LEVEL: 'info' };
  },
  async (dir) => {
    dana = (await dir.provision('dana')).address;
  },
);

describe('POP3 with two workers', () => {
  it('listens in every worker and feeds a POP3 deletion to IMAP sessions on the other worker', async () => {
    const listening = cluster.s.lines.filter((l) => l.msg === 'pop3: listening');
    expect(new Set(listening.map((l) => l.pid)).size).toBe(2);
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: cluster.d.smtpPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: dana, pass: PASSWORD } });
    for (const n of [1, 2]) await smtp.sendMail({ from: dana, to: dana, subject: `note ${n}`, text: `note ${n}` });
    smtp.close();
    // Connections are handed out in turn: four IMAP watchers sit on both workers.
    const watchers = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const c = await TranscriptClient.connect(cluster.d.imapPort);
        await c.login(dana, PASSWORD);
        await c.cmd('s1 SELECT INBOX');
        c.send('i1 IDLE');
        await lineMatching(c, /^\+ /);
        return c;
      }),
    );
    const p = await Pop3Client.connect(pop3Port);
    expect(await p.login(dana, PASSWORD)).toMatch(/^\+OK Logged in; maildrop has 2 messages/);
    expect(await p.cmd('DELE 1')).toMatch(/^\+OK/);
    expect(await p.cmd('QUIT')).toMatch(/\(1 messages deleted\)/);
    for (const w of watchers) {
      expect(await lineMatching(w, /^\* 1 EXPUNGE/)).toBe('* 1 EXPUNGE');
      w.send('DONE');
      await w.close();
    }
  });
});
