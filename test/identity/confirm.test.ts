import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { GpError } from '../../src/shared/errors.js';
import { listAudit } from '../../src/store/audit.js';
import { showAccount, blockAccount } from '../../src/identity/accounts.js';
import { confirmCertificate, confirmInPerson, requestCode, verifyCode } from '../../src/identity/confirm.js';
import { createNotifier } from '../../src/identity/notifier.js';
import { loadConfig } from '../../src/config/load.js';
import { makeEnv, person, SNILS, type TestEnv } from './helpers.js';
import { makeCa, makeIntermediate, makeLeaf, pem, type Issuer } from './certs.js';

async function refusal(p: Promise<unknown>): Promise<GpError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GpError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

let env: TestEnv;
afterEach(() => env.cleanup());

function attempts(id: number): Array<{ outcome: string; method: unknown; error: unknown }> {
  return listAudit(env.db, { accountId: id, action: 'account.confirm' }).map((r) => {
    const d = JSON.parse(r.details ?? '{}') as { method?: unknown; error?: unknown };
    return { outcome: r.outcome, method: d.method, error: d.error };
  });
}

describe('one-time code', () => {
  beforeEach(() => {
    env = makeEnv();
  });

  it('sends a 6-digit code, stores it hashed, confirms with it', async () => {
    const id = await person(env.ctx, 'standard');
    const sent = await requestCode(env.ctx, id);
    expect(sent.sentVia).toBe('memory');
    const code = env.sent[0]!.code;
    expect(code).toMatch(/^\d{6}$/);
    expect(env.sent[0]!.phone).toBe('+79123456789');
    const row = env.db.prepare('SELECT code_hash, expires_at, created_at FROM confirmation_codes').get() as { code_hash: string; expires_at: number; created_at: number };
    expect(row.code_hash).not.toContain(code);
    expect(row.expires_at - row.created_at).toBe(600_000);
    const a = await verifyCode(env.ctx, id, code);
    expect(a).toMatchObject({ level: 'confirmed', confirmed: { method: 'code' } });
    expect(attempts(id)[0]).toEqual({ outcome: 'ok', method: 'code', error: undefined });
    expect((await refusal(verifyCode(env.ctx, id, code))).code).toBe('ALREADY_CONFIRMED');
  });

  it('a wrong code is refused and counted', async () => {
    const id = await person(env.ctx, 'standard');
    await requestCode(env.ctx, id);
    const wrong = env.sent[0]!.code === '000000' ? '111111' : '000000';
    const e = await refusal(verifyCode(env.ctx, id, wrong));
    expect(e.code).toBe('CODE_WRONG');
    expect(e.message).toContain('4 tries left');
    expect(attempts(id)[0]).toEqual({ outcome: 'failed', method: 'code', error: 'CODE_WRONG' });
    expect(showAccount(env.db, id).level).toBe('standard');
    await verifyCode(env.ctx, id, env.sent[0]!.code);
  });

  it('an expired code is refused', async () => {
    const id = await person(env.ctx, 'standard');
    await requestCode(env.ctx, id);
    env.clock.now += 600_001;
    expect((await refusal(verifyCode(env.ctx, id, env.sent[0]!.code))).code).toBe('CODE_EXPIRED');
    expect(attempts(id)[0]).toMatchObject({ outcome: 'failed', error: 'CODE_EXPIRED' });
  });

  it('the code is void after 5 wrong tries, even the right one', async () => {
    const id = await person(env.ctx, 'standard');
    await requestCode(env.ctx, id);
    const right = env.sent[0]!.code;
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 4; i++) expect((await refusal(verifyCode(env.ctx, id, wrong))).code).toBe('CODE_WRONG');
    expect((await refusal(verifyCode(env.ctx, id, wrong))).code).toBe('CODE_EXHAUSTED');
    expect((await refusal(verifyCode(env.ctx, id, right))).code).toBe('CODE_EXHAUSTED');
    // a new code may be requested after the resend interval and works
    env.clock.now += 60_000;
    await requestCode(env.ctx, id);
    expect((await verifyCode(env.ctx, id, env.sent[1]!.code)).level).toBe('confirmed');
  });

  it('a new code is not sent sooner than 60 s after the previous; the previous becomes void', async () => {
    const id = await person(env.ctx, 'standard');
    await requestCode(env.ctx, id);
    env.clock.now += 59_000;
    const e = await refusal(requestCode(env.ctx, id));
    expect(e.code).toBe('CODE_RESEND_TOO_SOON');
    expect(e.message).toContain('1 s');
    expect(env.sent).toHaveLength(1);
    env.clock.now += 1_000;
    await requestCode(env.ctx, id);
    expect(env.sent).toHaveLength(2);
    if (env.sent[0]!.code !== env.sent[1]!.code) {
      expect((await refusal(verifyCode(env.ctx, id, env.sent[0]!.code))).code).toBe('CODE_WRONG');
    }
    expect((await verifyCode(env.ctx, id, env.sent[1]!.code)).level).toBe('confirmed');
  });

  it('needs documents first, and an active account', async () => {
    const s = await person(env.ctx, 'simplified');
    expect((await refusal(requestCode(env.ctx, s))).code).toBe('DOCUMENTS_REQUIRED');
    const b = await person(env.ctx, 'standard', '123-456-789 64');
    blockAccount(env.ctx, b);
    expect((await refusal(requestCode(env.ctx, b))).code).toBe('ACCOUNT_NOT_ACTIVE');
  });
});

describe('notifiers', () => {
  beforeEach(() => {
    env = makeEnv();
  });

  it('outbox: JSON lines in <dataDir>/outbox.jsonl, mode 0600', async () => {
    const n = createNotifier(env.cfg);
    const id = await person({ ...env.ctx, notifier: n }, 'standard');
    await requestCode({ ...env.ctx, notifier: n }, id);
    const file = join(env.cfg.dataDir, 'outbox.jsonl');
    const line = JSON.parse(readFileSync(file, 'utf8').trim()) as { code: string; phone: string; accountId: number };
    expect(line).toMatchObject({ accountId: id, phone: '+79123456789' });
    expect(line.code).toMatch(/^\d{6}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await verifyCode(env.ctx, id, line.code)).level).toBe('confirmed');
  });

  it('webhook: POSTs JSON with the bearer token; a gateway error is refused', async () => {
    const got: Array<{ auth: string | undefined; body: { phone: string; code: string } }> = [];
    let status = 200;
    const srv = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push({ auth: req.headers.authorization, body: JSON.parse(body) as { phone: string; code: string } });
        res.writeHead(status).end();
      });
    });
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    try {
      const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/sms`;
      const cfg = loadConfig({ env: {}, cwd: env.dir, overrides: { dataDir: env.cfg.dataDir, notifier: { kind: 'webhook', url, token: 's3cret' } } });
      const ctx = { ...env.ctx, cfg, notifier: undefined };
      const id = await person(ctx, 'standard');
      await requestCode(ctx, id);
      expect(got[0]!.auth).toBe('Bearer s3cret');
      expect(got[0]!.body.phone).toBe('+79123456789');
      expect((await verifyCode(ctx, id, got[0]!.body.code)).level).toBe('confirmed');
      status = 500;
      const other = await person(ctx, 'standard', '123-456-789 64');
      expect((await refusal(requestCode(ctx, other))).code).toBe('NOTIFIER_FAILED');
    } finally {
      srv.close();
    }
  });

  it('email: sends to the contact address through SMTP', async () => {
    const mails: string[] = [];
    const smtp = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'],
      onData(stream, _s, cb) {
        let d = '';
        stream.on('data', (c: Buffer) => (d += c.toString()));
        stream.on('end', () => (mails.push(d), cb()));
      },
    });
    smtp.listen(0, '127.0.0.1');
    await once(smtp.server, 'listening');
    try {
      const port = (smtp.server.address() as AddressInfo).port;
      const cfg = loadConfig({ env: {}, cwd: env.dir, overrides: { dataDir: env.cfg.dataDir, notifier: { kind: 'email', from: 'codes@example.org', host: '127.0.0.1', port } } });
      const ctx = { ...env.ctx, cfg, notifier: undefined };
      const { registerAccount, setDocuments } = await import('../../src/identity/accounts.js');
      const a = registerAccount(ctx, { name: 'Иванов Иван', phone: '9123456789', consent: true, email: 'ivan@example.net' });
      setDocuments(ctx, a.id, { snils: SNILS, passport: '4510 123456' });
      await requestCode(ctx, a.id);
      expect(mails).toHaveLength(1);
      const parsed = await simpleParser(mails[0]!);
      expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '').toBe('ivan@example.net');
      const code = /(\d{6})/.exec(parsed.text ?? '')![1]!;
      expect((await verifyCode(ctx, a.id, code)).level).toBe('confirmed');
      const b = await person(ctx, 'standard', '123-456-789 64');
      expect((await refusal(requestCode(ctx, b))).code).toBe('NO_CONTACT_EMAIL');
    } finally {
      smtp.close();
    }
  });
});

describe('in person', () => {
  beforeEach(() => {
    env = makeEnv();
  });
  it('records the operator and the document seen', async () => {
    const id = await person(env.ctx, 'standard');
    const a = await confirmInPerson(env.ctx, id, 'Петрова А. В.', 'паспорт 4510 123456');
    expect(a.confirmed).toMatchObject({ method: 'in-person', by: 'Петрова А. В.', details: { operator: 'Петрова А. В.', document: 'паспорт 4510 123456' } });
    expect(attempts(id)[0]).toEqual({ outcome: 'ok', method: 'in-person', error: undefined });
  });
  it('is refused for a simplified account', async () => {
    const id = await person(env.ctx, 'simplified');
    expect((await refusal(confirmInPerson(env.ctx, id, 'Петрова'))).code).toBe('DOCUMENTS_REQUIRED');
    expect(attempts(id)[0]).toMatchObject({ outcome: 'failed', method: 'in-person' });
  });
});

describe('qualified certificate', () => {
  let ca: Issuer;
  let caFile: string;
  beforeAll(async () => {
    ca = await makeCa();
  });
  beforeEach(() => {
    env = makeEnv();
    caFile = join(env.dir, 'ca.pem');
    writeFileSync(caFile, pem(ca.cert));
    env.ctx.cfg = loadConfig({ env: {}, cwd: env.dir, overrides: { dataDir: env.cfg.dataDir, identity: { trustedCaFiles: [caFile] } } });
  });

  it('accepts a valid certificate with the account SNILS, directly or through an intermediate', async () => {
    const id = await person(env.ctx, 'standard');
    const a = await confirmCertificate(env.ctx, id, pem(await makeLeaf(ca, '11223344595')));
    expect(a).toMatchObject({ level: 'confirmed', confirmed: { method: 'certificate' } });
    expect(attempts(id)[0]).toEqual({ outcome: 'ok', method: 'certificate', error: undefined });

    const id2 = await person(env.ctx, 'standard', '123-456-789 64');
    const inter = await makeIntermediate(ca);
    const leaf = await makeLeaf(inter, '12345678964');
    expect((await refusal(confirmCertificate(env.ctx, id2, pem(leaf)))).code).toBe('CERT_UNTRUSTED');
    expect((await confirmCertificate(env.ctx, id2, pem(leaf, inter.cert))).level).toBe('confirmed');
  });

  it('refuses an expired certificate', async () => {
    const id = await person(env.ctx, 'standard');
    const leaf = await makeLeaf(ca, '11223344595', { notBefore: new Date(Date.now() - 10 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    const e = await refusal(confirmCertificate(env.ctx, id, pem(leaf)));
    expect(e.code).toBe('CERT_EXPIRED');
    expect(attempts(id)[0]).toEqual({ outcome: 'failed', method: 'certificate', error: 'CERT_EXPIRED' });
    expect(showAccount(env.db, id).level).toBe('standard');
  });

  it('refuses a broken chain (issuer not trusted, or a forged issuer name)', async () => {
    const id = await person(env.ctx, 'standard');
    const rogue = await makeCa('CN=Rogue CA');
    expect((await refusal(confirmCertificate(env.ctx, id, pem(await makeLeaf(rogue, '11223344595'))))).code).toBe('CERT_UNTRUSTED');
    const forged = await makeCa(ca.cert.subject); // same name as the trusted CA, different key
    expect((await refusal(confirmCertificate(env.ctx, id, pem(await makeLeaf(forged, '11223344595'))))).code).toBe('CERT_UNTRUSTED');
    expect(attempts(id).every((a) => a.error === 'CERT_UNTRUSTED')).toBe(true);
  });

  it('refuses a SNILS mismatch and a certificate without SNILS', async () => {
    const id = await person(env.ctx, 'standard');
    expect((await refusal(confirmCertificate(env.ctx, id, pem(await makeLeaf(ca, '12345678964'))))).code).toBe('CERT_SNILS_MISMATCH');
    expect((await refusal(confirmCertificate(env.ctx, id, pem(await makeLeaf(ca, null))))).code).toBe('CERT_NO_SNILS');
    expect((await refusal(confirmCertificate(env.ctx, id, 'not a certificate'))).code).toBe('CERT_INVALID');
  });

  it('refuses when no trusted CA is configured', async () => {
    env.ctx.cfg = loadConfig({ env: {}, cwd: env.dir, overrides: { dataDir: env.cfg.dataDir } });
    const id = await person(env.ctx, 'standard');
    expect((await refusal(confirmCertificate(env.ctx, id, pem(await makeLeaf(ca, '11223344595'))))).code).toBe('CERT_NO_TRUSTED_CA');
  });
});
