/**
 * Secrets out of sight: no password, one-time code, database key, TLS private
 * key, SNILS or passport number in any log line or audit row. The flows here
 * (provisioning with documents, a one-time code, SMTP and IMAP logins right and
 * wrong, a message sent, CLI refusals) log through the captured logger of
 * test/helpers/log-capture.ts, which every server started by the test helpers
 * writes to; the search runs over everything captured so far, of every test
 * file that ran before in the same directory, and over every audit row here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, PASSWORD, type TestServer } from '../helpers/server.js';
import { allCapturedLines, capturedLog } from '../helpers/log-capture.js';
import { registerAccount, setDocuments } from '../../src/identity/accounts.js';
import { requestCode, verifyCode } from '../../src/identity/confirm.js';
import { createMailbox } from '../../src/identity/mailboxes.js';
import type { CodeMessage } from '../../src/identity/notifier.js';
import { findKey } from '../../src/store/key.js';
import { listAudit } from '../../src/store/audit.js';
import { metrics } from '../../src/shared/metrics.js';

const SNILS = '087-654-321 02';
const PASSPORT = { series: '4511', number: '654321' };
const WRONG_PASSWORD = 'Wrong-Horse-Battery-77';

let t: TestServer;
const secrets: string[] = [];

beforeAll(async () => {
  t = await startTestServer({}, { log: capturedLog().log });
  const alice = await t.provision('alice');
  // A person confirmed by a one-time code, with documents.
  const sent: CodeMessage[] = [];
  const ctx = { db: t.server.db, cfg: t.cfg, actor: 'operator:test', bus: t.server.bus, notifier: { kind: 'memory', send: async (m: CodeMessage) => void sent.push(m) } };
  const a = registerAccount(ctx, { name: 'Сидорова Мария Петровна', phone: '+7 903 111-22-33', consent: true });
  setDocuments(ctx, a.id, { snils: SNILS, passport: `${PASSPORT.series} ${PASSPORT.number}`, passportIssued: '03.04.2016', passportDivision: '500-002' });
  await requestCode(ctx, a.id);
  await verifyCode(ctx, a.id, '000000').catch(() => undefined); // a wrong code, logged and audited
  await verifyCode(ctx, a.id, sent[0]!.code);
  await createMailbox(ctx, a.id, 'maria@example.org', PASSWORD);

  const good = t.smtp(alice.address);
  await good.sendMail({ from: alice.address, to: 'maria@example.org', subject: 'hello', text: 'body' });
  good.close();
  const bad = t.smtp(alice.address, WRONG_PASSWORD);
  await bad.sendMail({ from: alice.address, to: 'maria@example.org', subject: 'x', text: 'y' }).catch(() => undefined);
  bad.close();
  const imap = await t.imap('maria@example.org');
  await imap.mailboxOpen('INBOX');
  await imap.logout();
  await t.imap('maria@example.org', WRONG_PASSWORD).catch(() => undefined);

  const key = findKey(t.cfg.dataDir)!;
  const tlsKey = readFileSync(join(t.cfg.dataDir, 'tls', 'key.pem'), 'utf8').split('\n')[5]!;
  secrets.push(PASSWORD, WRONG_PASSWORD, sent[0]!.code, key.hex, tlsKey, SNILS, SNILS.replace(/\D/g, ''), '112-233-445 95', '4510 123456', `${PASSPORT.series} ${PASSPORT.number}`, PASSPORT.number);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

function leaks(texts: string[]): string[] {
  const found: string[] = [];
  for (const line of texts) for (const s of secrets) if (line.includes(s)) found.push(`${s} in ${line.slice(0, 200)}`);
  return found;
}

describe('secrets out of sight', () => {
  it('the flows produced log lines and audit rows to search (the search can find something)', () => {
    expect(allCapturedLines().length).toBeGreaterThan(5);
    expect(listAudit(t.server.db, { limit: 10_000 }).length).toBeGreaterThan(10);
    expect(leaks([`… ${SNILS} …`])).toHaveLength(1);
  });

  it('no secret in any captured log line', () => {
    expect(leaks(allCapturedLines())).toEqual([]);
  });

  it('no secret in any audit row (subject, remote, details)', () => {
    const rows = listAudit(t.server.db, { limit: 10_000 }).map((r) => JSON.stringify(r));
    expect(leaks(rows)).toEqual([]);
  });

  it('no secret in any metric name, label or value (what /metrics serves)', () => {
    const text = metrics.render();
    expect(text).toMatch(/^gospochta_\w+/m); // the flows counted something
    expect(leaks(text.split('\n'))).toEqual([]);
  });
});
