/**
 * The server on every core: `gospochta serve` with two worker processes sharing
 * the listeners. What must hold whatever worker a client lands on:
 *   - the change feed: a delivery, a flag change and an expunge made through one
 *     worker reach IDLE / selected sessions on every worker; a block made with
 *     the CLI ends the sessions on every worker;
 *   - UIDs and the daily limit stay exact when many sessions spread over the
 *     workers write at once;
 *   - a worker killed under SMTP and IMAP load is replaced by the primary, the
 *     other worker's clients go on, no message that got 250 is lost, the file
 *     passes integrity_check; SIGTERM stops everything with exit code 0.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { PASSWORD, type ServerDir, type ChildServer } from '../helpers/child-server.js';
import { startCluster, stopCluster, lineMatching } from '../helpers/cluster.js';
import { TranscriptClient } from '../helpers/imap.js';
import { makeCli } from '../cli/helpers.js';

let d: ServerDir;
let s: ChildServer;
let alice: string;
let bob: { address: string; accountId: number };

beforeAll(async () => {
  ({ d, s } = await startCluster({ GOSPOCHTA_WORKERS: '2', LOG_LEVEL: 'info' }, async (dir) => {
    alice = (await dir.provision('alice')).address;
    bob = await dir.provision('bob');
  }));
}, 90_000);

afterAll(() => stopCluster({ d, s }));

const smtp = (user: string) =>
  nodemailer.createTransport({ host: '127.0.0.1', port: d.smtpPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user, pass: PASSWORD }, connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 10_000 });

async function imap(user: string): Promise<TranscriptClient> {
  const c = await TranscriptClient.connect(d.imapPort);
  await c.login(user, PASSWORD);
  return c;
}

function workerPids(): number[] {
  return [...new Set(s.lines.filter((l) => l.msg === 'worker ready').map((l) => l.workerPid as number))].filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
}

describe('two workers, one server', () => {
  it('starts two workers behind one primary, one pid file', () => {
    expect(workerPids()).toHaveLength(2);
    expect(existsSync(join(d.env.GOSPOCHTA_DATA_DIR!, 'server.pid'))).toBe(true);
  });

  it('feeds every committed change to the sessions of every worker', async () => {
    // Round-robin hands out connections in turn: six sessions land on both workers.
    const watchers = await Promise.all(Array.from({ length: 6 }, () => imap(bob.address)));
    for (const [i, c] of watchers.entries()) {
      expect((await c.cmd(`s${i} SELECT INBOX`)).at(-1)).toMatch(/OK/);
      c.send(`i${i} IDLE`);
      expect(await c.line()).toMatch(/^\+ /);
    }
    const t = smtp(alice);
    expect((await t.sendMail({ from: alice, to: bob.address, subject: 'через все процессы', text: 'x' })).response).toMatch(/^250 /);
    t.close();
    for (const c of watchers) expect(await lineMatching(c, /EXISTS$/)).toMatch(/^\* 1 EXISTS$/);

    // A flag change from one more session reaches the IDLE ones.
    const actor = await imap(bob.address);
    await actor.cmd('a1 SELECT INBOX');
    expect((await actor.cmd('a2 STORE 1 +FLAGS (\\Flagged)')).at(-1)).toMatch(/^a2 OK/);
    for (const c of watchers) expect(await lineMatching(c, /FETCH/)).toMatch(/^\* 1 FETCH \(.*FLAGS \(.*\\Flagged/);
    // And an expunge.
    await actor.cmd('a3 STORE 1 +FLAGS (\\Deleted)');
    expect((await actor.cmd('a4 EXPUNGE')).at(-1)).toMatch(/^a4 OK/);
    for (const c of watchers) expect(await lineMatching(c, /EXPUNGE$/)).toBe('* 1 EXPUNGE');
    await actor.close();

    // A block with the CLI (another process): every session on every worker ends.
    const cli = makeCli({ GOSPOCHTA_DATA_DIR: d.env.GOSPOCHTA_DATA_DIR, GOSPOCHTA_DOMAINS: 'example.org' });
    expect(cli.run(['account', 'block', String(bob.accountId), '--reason', 'test']).status).toBe(0);
    for (const c of watchers) expect(await lineMatching(c, /^\* BYE/)).toMatch(/withdrawn/);
    expect(cli.run(['account', 'unblock', String(bob.accountId), '--reason', 'test']).status).toBe(0);
  });

  it('answers a write only when every worker has it: the next NOOP on another connection shows it', async () => {
    const erin = await d.provision('erin');
    const t = smtp(alice);
    await t.sendMail({ from: alice, to: erin.address, subject: 'to flag', text: 'x' });
    t.close();
    // Connections are handed out in turn: of four, each worker serves two.
    const cs = await Promise.all(Array.from({ length: 4 }, () => imap(erin.address)));
    for (const [i, c] of cs.entries()) await c.cmd(`s${i} SELECT INBOX`);
    for (let round = 0; round < 20; round++) {
      const [writer, ...readers] = [cs[round % 4]!, ...cs.filter((_, i) => i !== round % 4)];
      const flag = round % 2 === 0 ? '+FLAGS' : '-FLAGS';
      expect((await writer.cmd(`w${round} STORE 1 ${flag} (\\Flagged)`)).at(-1)).toMatch(/OK/);
      for (const [i, r] of readers.entries()) {
        const lines = await r.cmd(`n${round}x${i} NOOP`);
        expect(lines.some((l) => /^\* 1 FETCH \(.*FLAGS/.test(l)), `round ${round}: ${lines.join(' | ')}`).toBe(true);
      }
    }
    for (const c of cs) await c.close();
  });

  it('sends a folder\'s changes to a worker from the moment a session there has selected it', async () => {
    const frank = await d.provision('frank');
    // Two connections in a row: one on each worker.
    const [a, b] = [await imap(frank.address), await imap(frank.address)];
    const msg = 'From: <x@example.org>\r\nSubject: w\r\n\r\nx\r\n';
    for (let k = 0; k < 10; k++) {
      expect((await a.cmd(`c${k} CREATE f${k}`)).at(-1)).toMatch(/OK/);
      a.send(`p${k} APPEND f${k} {${msg.length}}`);
      expect(await a.line()).toMatch(/^\+/);
      a.send(msg);
      expect(await lineMatching(a, new RegExp(`^p${k} `))).toMatch(/OK/);
    }
    // Each round a folder nobody on the reader's worker has selected: that worker must ask for
    // its changes before its SELECT answers, or the writer's change right after is never sent
    // to it (cluster/interest.ts; the race itself is tested in test/cluster/interest.test.ts).
    for (let k = 0; k < 10; k++) {
      const [reader, writer] = k % 2 ? [a, b] : [b, a];
      expect((await writer.cmd(`w${k} SELECT f${k}`)).at(-1)).toMatch(/OK/);
      expect((await reader.cmd(`r${k} SELECT f${k}`)).at(-1)).toMatch(/OK/);
      expect((await writer.cmd(`x${k} STORE 1 +FLAGS (\\Flagged)`)).at(-1)).toMatch(/OK/);
      const lines = await reader.cmd(`n${k} NOOP`);
      expect(lines.some((l) => /^\* 1 FETCH \(.*FLAGS \(.*\\Flagged/.test(l)), `folder f${k}: ${lines.join(' | ')}`).toBe(true);
    }
    await a.close();
    await b.close();
  });

  it('keeps UIDs and the daily limit exact across workers (250 attempts, limit 200)', async () => {
    const carol = (await d.provision('carol')).address;
    let accepted = 0;
    let refused = 0;
    await Promise.all(
      Array.from({ length: 10 }, async (_, w) => {
        const t = smtp(carol);
        for (let i = 0; i < 25; i++) {
          try {
            await t.sendMail({ from: carol, to: bob.address, subject: `limit ${w}-${i}`, text: 'x' });
            accepted++;
          } catch (e) {
            expect((e as { responseCode?: number }).responseCode).toBe(550);
            refused++;
          }
        }
        t.close();
      }),
    );
    expect(accepted).toBe(200);
    expect(refused).toBe(50);
    const db = d.db();
    const uids = (db.prepare(`SELECT m.uid FROM messages m JOIN folders f ON f.id = m.folder_id JOIN mailboxes b ON b.id = f.mailbox_id WHERE b.address = ? AND f.name = 'INBOX' ORDER BY m.uid`).all(bob.address) as Array<{ uid: number }>).map((r) => r.uid);
    // uid 1 was expunged above; the rest follow without a gap or a repeat.
    expect(uids).toEqual(Array.from({ length: 200 }, (_, i) => i + 2));
  });

  it('replaces a worker killed under load; the other worker\'s clients go on; nothing that got 250 is lost', async () => {
    const dave = (await d.provision('dave')).address;
    const before = workerPids();
    // IMAP sessions on both workers, selected.
    const sessions = await Promise.all(Array.from({ length: 6 }, () => imap(alice)));
    for (const [i, c] of sessions.entries()) await c.cmd(`k${i} SELECT INBOX`);
    const accepted = new Set<string>();
    let stop = false;
    const load = Promise.all(
      Array.from({ length: 6 }, async (_, w) => {
        let i = 0;
        while (!stop) {
          const t = smtp(dave);
          try {
            while (!stop) {
              const subject = `kill ${w}-${i++}`;
              const info = await t.sendMail({ from: dave, to: alice, subject, text: 'y'.repeat(5000) });
              if (/^250 /.test(info.response)) accepted.add(subject);
            }
          } catch {
            /* that connection was on the killed worker */
          } finally {
            t.close();
          }
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 800));
    process.kill(before[0]!, 'SIGKILL');
    await s.waitFor((l) => l.msg === 'worker died; starting a new one');
    await s.waitFor((l) => l.msg === 'worker ready' && !before.includes(l.workerPid as number));
    await new Promise((r) => setTimeout(r, 800));
    stop = true;
    await load;
    // The sessions on the surviving worker never noticed.
    let alive = 0;
    for (const [i, c] of sessions.entries()) {
      if (c.closed) continue;
      const r = await c.cmd(`n${i} NOOP`);
      if (r.at(-1)!.startsWith(`n${i} OK`)) alive++;
    }
    expect(alive).toBeGreaterThanOrEqual(1);
    expect(workerPids()).toHaveLength(2);
    const db = d.db();
    const stored = new Set((db.prepare(`SELECT s.subject FROM messages m JOIN blob_search s ON s.blob_id = m.blob_id WHERE s.subject LIKE 'kill %'`).all() as Array<{ subject: string }>).map((r) => r.subject));
    const lost = [...accepted].filter((x) => !stored.has(x));
    console.log(`worker killed under load: ${accepted.size} messages got 250, ${lost.length} lost, ${alive} of 6 IMAP sessions on the other worker went on`);
    expect(accepted.size).toBeGreaterThan(0);
    expect(lost).toEqual([]);
    for (const c of sessions) c.destroy();
  });

  it('SIGTERM stops the primary and every worker with exit code 0; the file is whole', async () => {
    const pids = workerPids();
    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(join(d.env.GOSPOCHTA_DATA_DIR!, 'server.pid'))).toBe(false);
    expect(d.db().pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
