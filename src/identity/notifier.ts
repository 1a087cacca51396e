/**
 * Delivering one-time codes, as config.notifier says:
 *  - outbox:  one JSON line per code appended to a file the operator reads
 *             (default <dataDir>/outbox.jsonl, mode 0600);
 *  - webhook: POST {phone, email, code, text} as JSON to an SMS gateway;
 *  - email:   a message to the account's contact address through nodemailer.
 */
import { appendFileSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config/load.js';
import { ensureDataDir } from '../store/db.js';
import { GpError } from '../shared/errors.js';

export interface CodeMessage {
  accountId: number;
  phone: string;
  email: string | null;
  code: string;
  text: string;
  expiresAt: number;
}

export interface Notifier {
  readonly kind: string;
  send(msg: CodeMessage): Promise<void>;
}

function failed(kind: string, why: string, cause?: unknown): GpError {
  return new GpError('NOTIFIER_FAILED', `could not send the code (${kind}): ${why}`, { kind: 'internal', temporary: true, cause });
}

export function outboxFile(cfg: Pick<Config, 'dataDir' | 'notifier'>): string {
  const n = cfg.notifier;
  return n.kind === 'outbox' && n.file ? resolve(n.file) : join(cfg.dataDir, 'outbox.jsonl');
}

export function createNotifier(cfg: Config): Notifier {
  const n = cfg.notifier;
  switch (n.kind) {
    case 'outbox': {
      const file = outboxFile(cfg);
      return {
        kind: 'outbox',
        async send(msg) {
          if (!n.file) ensureDataDir(cfg.dataDir);
          const line = JSON.stringify({
            at: new Date().toISOString(),
            accountId: msg.accountId,
            phone: msg.phone,
            email: msg.email,
            code: msg.code,
            expiresAt: new Date(msg.expiresAt).toISOString(),
            text: msg.text,
          });
          appendFileSync(file, line + '\n', { mode: 0o600 });
          chmodSync(file, 0o600);
        },
      };
    }
    case 'webhook':
      return {
        kind: 'webhook',
        async send(msg) {
          let res: Response;
          try {
            res = await fetch(n.url, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                ...(n.token ? { authorization: `Bearer ${n.token}` } : {}),
              },
              body: JSON.stringify({ phone: msg.phone, email: msg.email, code: msg.code, text: msg.text }),
              signal: AbortSignal.timeout(15_000),
            });
          } catch (e) {
            throw failed('webhook', (e as Error).message, e);
          }
          if (!res.ok) throw failed('webhook', `gateway answered HTTP ${res.status}`);
        },
      };
    case 'email': {
      const transport = nodemailer.createTransport({
        host: n.host,
        port: n.port,
        secure: n.secure,
        ...(n.user ? { auth: { user: n.user, pass: n.pass } } : {}),
      });
      return {
        kind: 'email',
        async send(msg) {
          if (!msg.email) {
            throw new GpError('NO_CONTACT_EMAIL', `account ${msg.accountId} has no contact e-mail for the code; add one or use another method`);
          }
          try {
            await transport.sendMail({ from: n.from, to: msg.email, subject: 'Код подтверждения / Confirmation code', text: msg.text });
          } catch (e) {
            throw failed('email', (e as Error).message, e);
          }
        },
      };
    }
  }
}
