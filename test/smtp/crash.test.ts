/**
 * Durability: `250` means committed. A server child process (`gospochta serve`) is
 * killed with SIGKILL while ten clients submit; after a restart every message
 * that got 250 is there and the database passes integrity_check. Then the same
 * under SIGTERM, with IMAP clients reading too: exit code 0, nothing lost, no
 * half-written rows.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { ImapFlow } from 'imapflow';
import { openDatabaseFile } from '../../src/store/key.js';
import { loadConfig } from '../../src/config/load.js';
import { openDb } from '../../src/store/db.js';
import { registerAccount, setDocuments } from '../../src/identity/accounts.js';
import { confirmInPerson } from '../../src/identity/confirm.js';
import { createMailbox } from '../../src/identity/mailboxes.js';
import { serveDirAndPorts, spawnServe, type ServeProcess } from '../helpers/child-server.js';

const PASSWORD = 'Correct-Horse-42';
let dir: string;
let env: NodeJS.ProcessEnv;
let smtpPort: number;
let imapPort: number;
const senders: string[] = [];
let rcpt = '';


function start(): ServeProcess {
  const s = spawnServe({ env, cwd: dir });
  s.child.once('exit', (_c, sig) => {
    const log = s.log();
    if (sig) console.error('server died of', sig, 'stopped logged:', log.includes('"msg":"stopped"'), 'smtp closed:', log.includes('SMTP listener closed'), 'imap closed:', log.includes('IMAP listener closed'), 'drained:', log.includes('writer drained'));
  });
  return s;
}

/**
 * Ten clients submitting until stopped; returns the subjects that got 250. The stop
 * comes `stopAfterMs` after the first 250 (a busy machine may take seconds to log
 * ten clients in), or after a minute if none came.
 */
function load(stopAfterMs: number, onTime: () => void): Promise<Set<string>> {
  const accepted = new Set<string>();
  let stop = false;
  let armed: NodeJS.Timeout | undefined;
  const halt = () => {
    if (stop) return;
    stop = true;
    clearTimeout(armed);
    clearTimeout(fallback);
    onTime();
  };
  const fallback = setTimeout(halt, 60_000);
  const arm = () => (armed ??= setTimeout(halt, stopAfterMs));
  const worker = async (w: number) => {
    let i = 0;
    while (!stop) {
      const from = senders[w]!;
      const t = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: from, pass: PASSWORD }, connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 10000 });
      try {
        while (!stop) {
          const subject = `w${w}-${i++}-${Math.random().toString(36).slice(2)}`;
          const info = await t.sendMail({ from, to: rcpt, subject, text: 'x'.repeat(2000) });
          if (/^250 /.test(info.response)) {
            accepted.add(subject);
            arm();
          }
          if (stop) break;
        }
      } catch {
        // the server went away: the message in flight was not acknowledged
        await new Promise((r) => setTimeout(r, 20));
      } finally {
        t.close();
      }
      if (stop) break;
    }
  };
  return Promise.all(Array.from({ length: 10 }, (_, w) => worker(w))).then(() => accepted);
}

function storedSubjects(): Set<string> {
  const db = openDatabaseFile(join(dir, 'data', 'gospochta.sqlite'));
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = db.prepare(`SELECT s.subject FROM messages m JOIN blob_search s ON s.blob_id = m.blob_id`).all() as Array<{ subject: string }>;
    // No half-written rows: every message has its blob, its chunks and its folder.
    const orphans = db
      .prepare(
        `SELECT count(*) AS n FROM messages m LEFT JOIN blobs b ON b.id = m.blob_id LEFT JOIN folders f ON f.id = m.folder_id
          WHERE b.id IS NULL OR f.id IS NULL OR (SELECT count(*) FROM blob_chunks c WHERE c.blob_id = m.blob_id) = 0`,
      )
      .get() as { n: number };
    expect(orphans.n).toBe(0);
    return new Set(rows.map((r) => r.subject));
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  ({ dir, smtpPort, imapPort, env } = await serveDirAndPorts('gp-crash-', { LOG_LEVEL: 'info', LOG_PRETTY: '0' }));
  // Provision as an operator would, before the server starts (same modules as the CLI).
  const cfg = loadConfig({ env, cwd: dir, overrides: { limits: { dailyRecipients: 100000 } } });
  const db = openDb(cfg.dataDir);
  const ctx = { db, cfg, actor: 'operator:test' };
  const a = registerAccount(ctx, { name: 'Иванов Иван Иванович', phone: '+79123456789', consent: true });
  setDocuments(ctx, a.id, { snils: '112-233-445 95', passport: '4510 123456', passportIssued: '01.02.2015', passportDivision: '770-001' });
  await confirmInPerson(ctx, a.id, 'Петрова А. А.', 'passport');
  rcpt = (await createMailbox(ctx, a.id, 'inbox@example.org', PASSWORD)).address;
  for (let i = 0; i < 10; i++) senders.push((await createMailbox(ctx, a.id, `sender${i}x@example.org`, PASSWORD)).address);
  db.close();
  // The daily limit would stop a sender after 200: raise it for this load test.
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'gospochta.yaml'), 'limits:\n  dailyRecipients: 100000\n');
  env.GOSPOCHTA_CONFIG = join(dir, 'gospochta.yaml');
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('no accepted message is lost', () => {
  it('SIGKILL while ten clients submit: every 250 survives the restart', async () => {
    const s = start();
    await s.ready;
    const accepted = await load(2500, () => s.child.kill('SIGKILL'));
    await s.exited;
    expect(accepted.size).toBeGreaterThan(0);
    const s2 = start(); // recovery happens on open
    await s2.ready;
    s2.child.kill('SIGTERM');
    expect(await s2.exited).toBe(0);
    const stored = storedSubjects();
    const missing = [...accepted].filter((x) => !stored.has(x));
    expect(missing).toEqual([]);
  }, 120_000);

  it('SIGTERM under SMTP and IMAP load: exit code 0, nothing accepted is missing', async () => {
    const s = start();
    await s.ready;
    const readers = await Promise.all(
      [0, 1].map(async () => {
        const c = new ImapFlow({ host: '127.0.0.1', port: imapPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user: rcpt, pass: PASSWORD }, logger: false });
        c.on('error', () => undefined);
        await c.connect();
        await c.mailboxOpen('INBOX');
        return c;
      }),
    );
    let reading = true;
    const readLoops = readers.map(async (c) => {
      while (reading) {
        try {
          for await (const _ of c.fetch('1:*', { flags: true, envelope: true })) void _;
        } catch {
          break; // * BYE Server shutting down
        }
      }
    });
    const accepted = await load(2500, () => s.child.kill('SIGTERM'));
    reading = false;
    expect(await s.exited).toBe(0);
    await Promise.all(readLoops);
    for (const c of readers) c.close();
    const stored = storedSubjects();
    expect([...accepted].filter((x) => !stored.has(x))).toEqual([]);
    const db = openDatabaseFile(join(dir, 'data', 'gospochta.sqlite'), { readonly: true });
    const stop = db.prepare(`SELECT details FROM audit_events WHERE action = 'server.stop' ORDER BY id DESC LIMIT 1`).get() as { details: string };
    db.close();
    expect(stop.details).toContain('SIGTERM');
  }, 120_000);
});
