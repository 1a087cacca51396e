/**
 * The whole server (src/main.ts startServer) in-process on ephemeral ports over
 * real TLS, with a real SQLite file in a temp dir, and people provisioned through
 * the identity module as an operator would (register → documents → in person →
 * mailbox). Clients: nodemailer and imapflow helpers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { ImapFlow } from 'imapflow';
import type { Config } from '../../src/config/load.js';
import { loopbackConfig } from './loopback-config.js';
import type { Logger } from '../../src/shared/logger.js';
import { capturedLog } from './log-capture.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { registerAccount, setDocuments } from '../../src/identity/accounts.js';
import { confirmInPerson } from '../../src/identity/confirm.js';
import { createMailbox } from '../../src/identity/mailboxes.js';
import type { IdentityContext } from '../../src/identity/context.js';

export const PASSWORD = 'Correct-Horse-42';

/** Valid SNILS numbers (checksums hold), one per provisioned person. */
const SNILS = ['112-233-445 95', '123-456-789 64', '087-654-321 02', '001-326-679 00', '001-508-816 00', '017-996-174 00', '001-437-545 01'];

export interface TestServer {
  server: RunningServer;
  cfg: Config;
  dir: string;
  /** A confirmed person with one mailbox `local@example.org` (password PASSWORD). */
  provision(local: string): Promise<{ address: string; mailboxId: number; accountId: number }>;
  /** Many mailboxes under one account (recipients for limit tests). */
  provisionMany(prefix: string, n: number): Promise<string[]>;
  smtp(user: string, pass?: string, extra?: Record<string, unknown>): nodemailer.Transporter;
  imap(user: string, pass?: string): Promise<ImapFlow>;
  close(): Promise<void>;
}

let personSeq = 0;

export async function startTestServer(overrides: Record<string, unknown> = {}, opts: { log?: Logger } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gp-srv-'));
  const cfg = loopbackConfig(dir, {
    // Mail to other domains refused unless a test turns the queue on (with routes to loopback servers).
    outbound: { enabled: false },
    auth: { failureDelayMs: 0 },
    log: { level: 'silent' },
    ...overrides,
  });
  const server = await startServer(cfg, { log: opts.log ?? capturedLog().log, pidFile: false, scheduler: false });
  const ctx: IdentityContext = { db: server.db, cfg, actor: 'operator:test', bus: server.bus };
  let snilsUsed = 0;

  async function person(): Promise<number> {
    const a = registerAccount(ctx, { name: 'Иванов Иван Иванович', phone: '+7 912 345-67-89', consent: true });
    const snils = SNILS[snilsUsed++ % SNILS.length]!;
    personSeq++;
    // Documents are unique per account: reuse of a SNILS across servers is fine (one db each).
    setDocuments(ctx, a.id, { snils, passport: '4510 123456', passportIssued: '01.02.2015', passportDivision: '770-001' });
    await confirmInPerson(ctx, a.id, 'Петрова А. А.', 'passport 4510 123456');
    return a.id;
  }

  const t: TestServer = {
    server,
    cfg,
    dir,
    async provision(local) {
      const accountId = await person();
      const mb = await createMailbox(ctx, accountId, `${local}@example.org`, PASSWORD);
      return { address: mb.address, mailboxId: mb.id, accountId };
    },
    async provisionMany(prefix, n) {
      const accountId = await person();
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push((await createMailbox(ctx, accountId, `${prefix}${i}x@example.org`, PASSWORD)).address);
      return out;
    },
    smtp(user, pass = PASSWORD, extra = {}) {
      return nodemailer.createTransport({
        host: '127.0.0.1',
        port: server.smtpPort,
        secure: true,
        tls: { rejectUnauthorized: false },
        auth: { user, pass },
        ...extra,
      });
    },
    async imap(user, pass = PASSWORD) {
      const c = new ImapFlow({ host: '127.0.0.1', port: server.imapPort, secure: true, tls: { rejectUnauthorized: false }, auth: { user, pass }, logger: false });
      await c.connect();
      return c;
    },
    async close() {
      await server.close('test over');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/**
 * A server and a mailbox for each local part, for a test file's beforeAll:
 * `beforeAll(async () => ([t, alice, bob] = await serverWith('alice', 'bob')));`
 */
export async function serverWith<N extends string[]>(...locals: N): Promise<[TestServer, ...{ [K in keyof N]: string }]> {
  const t = await startTestServer();
  const addresses: string[] = [];
  for (const l of locals) addresses.push((await t.provision(l)).address);
  return [t, ...addresses] as [TestServer, ...{ [K in keyof N]: string }];
}

/** Submits one message as `mail.from` (logged in as that address); the queue id of the 250 reply. */
export async function submitQueued(t: TestServer, mail: { from: string; to: string; subject: string; text: string }): Promise<string> {
  const s = t.smtp(mail.from);
  const info = await s.sendMail(mail);
  s.close();
  return /queued as (\S+)/.exec(info.response)![1]!;
}
