/**
 * `gospochta health`: is this installation serving? Healthy only when
 *  - the database opens, is a gospochta database at the schema version of this
 *    code, and passes `PRAGMA quick_check`;
 *  - the SMTP listener completes a TLS handshake and greets with `220 ` (RFC 5321 §4.2,
 *    §3.1: the greeting of implicit-TLS submission, RFC 8314 §3.3);
 *  - the IMAP listener completes a TLS handshake and greets with `* OK` (RFC 3501 §7.1.1).
 * The handshake accepts any certificate (it is a liveness probe) but reports what it
 * saw: a self-signed certificate is announced loudly, an expired one fails the check.
 */
import { connect as tlsConnect, type PeerCertificate, type DetailedPeerCertificate } from 'node:tls';
import { existsSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { dbPath } from '../store/db.js';
import { SCHEMA_VERSION } from '../store/migrations.js';
import { inspectDatabaseFile } from '../store/file.js';
import { findKey, keyOptions, type KeyOptions } from '../store/key.js';
import { localHost } from './server-running.js';

export interface CertificateInfo {
  subject: string;
  issuer: string;
  selfSigned: boolean;
  /** The chain verifies against the system's CA store and names the configured hostname. */
  trusted: boolean;
  untrustedReason?: string;
  validFrom: string;
  validTo: string;
  daysLeft: number;
  altNames: string;
}

export interface ListenerCheck {
  ok: boolean;
  host: string;
  port: number;
  detail: string;
  tlsProtocol?: string;
  greeting?: string;
  certificate?: CertificateInfo;
}

export interface DatabaseCheck {
  ok: boolean;
  file: string;
  detail: string;
  integrity?: string;
  schemaVersion?: number;
  codeSchemaVersion: number;
  mailboxes?: number;
  messages?: number;
  /** Mail waiting for other domains: how much and how long the oldest has waited. */
  queue?: { length: number; oldestAgeSeconds: number | null } | null;
}

export interface HealthReport {
  ok: boolean;
  checks: { database: DatabaseCheck; smtp: ListenerCheck; imap: ListenerCheck };
  /** Things an operator must know even when healthy (self-signed or soon-expiring certificate). */
  warnings: string[];
}

export interface HealthOptions {
  /** Where to connect; default 127.0.0.1, or cfg.bind when it names one address. */
  host?: string;
  smtpPort?: number;
  imapPort?: number;
  /** Per listener: connect + handshake + greeting. */
  timeoutMs?: number;
  /** Warn when the certificate expires within this many days. */
  expiryWarningDays?: number;
}

export function checkDatabase(dataDir: string, key: KeyOptions = {}): DatabaseCheck {
  const file = dbPath(dataDir);
  const base = { file, codeSchemaVersion: SCHEMA_VERSION };
  if (!existsSync(file)) return { ...base, ok: false, detail: `no database at ${file} (has the server ever started with this data directory?)` };
  try {
    const found = findKey(dataDir, key);
    if (!found) return { ...base, ok: false, detail: `${file} is encrypted and there is no key (GOSPOCHTA_KEY or GOSPOCHTA_KEY_FILE)` };
    const r = inspectDatabaseFile(file, { check: 'quick', key: found });
    const info = { ...base, integrity: r.integrity, schemaVersion: r.schemaVersion, mailboxes: r.mailboxes, messages: r.messages, queue: r.queue };
    if (r.integrity !== 'ok') return { ...info, ok: false, detail: `quick_check failed: ${r.integrity}` };
    if (r.schemaVersion > SCHEMA_VERSION) {
      return { ...info, ok: false, detail: `schema version ${r.schemaVersion} is newer than this gospochta (${SCHEMA_VERSION}): upgrade gospochta` };
    }
    if (r.schemaVersion < SCHEMA_VERSION) {
      return { ...info, ok: false, detail: `schema version ${r.schemaVersion} is older than this gospochta (${SCHEMA_VERSION}): start the server to migrate it` };
    }
    const queue = r.queue ? `, ${r.queue.length} queued for other domains${r.queue.oldestAgeSeconds !== null ? ` (oldest ${r.queue.oldestAgeSeconds} s)` : ''}` : '';
    return { ...info, ok: true, detail: `quick_check ok, schema ${r.schemaVersion}, ${r.mailboxes} mailboxes, ${r.messages} messages${queue}` };
  } catch (e) {
    return { ...base, ok: false, detail: (e as Error).message };
  }
}

function nameOf(x: PeerCertificate['subject'] | undefined): string {
  if (!x) return '';
  return Object.entries(x)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}

function certificateInfo(cert: DetailedPeerCertificate, authorized: boolean, authError: Error | null): CertificateInfo {
  const issuerCert = cert.issuerCertificate;
  const selfSigned =
    !issuerCert || issuerCert === cert || issuerCert.fingerprint256 === cert.fingerprint256 || authError?.message === 'DEPTH_ZERO_SELF_SIGNED_CERT' || (authError as { code?: string } | null)?.code === 'DEPTH_ZERO_SELF_SIGNED_CERT';
  const validTo = new Date(cert.valid_to);
  return {
    subject: nameOf(cert.subject),
    issuer: nameOf(cert.issuer),
    selfSigned,
    trusted: authorized,
    ...(authorized ? {} : { untrustedReason: String((authError as { code?: string } | null)?.code ?? authError?.message ?? 'not verified') }),
    validFrom: new Date(cert.valid_from).toISOString(),
    validTo: validTo.toISOString(),
    daysLeft: Math.floor((validTo.getTime() - Date.now()) / 86_400_000),
    altNames: cert.subjectaltname ?? '',
  };
}

type Greeting = (line: string) => 'ok' | 'more' | 'bad';

/** SMTP: `220-` lines continue, `220 ` ends; anything else (421, 554) is a refusal. */
const smtpGreeting: Greeting = (l) => (l.startsWith('220 ') || l === '220' ? 'ok' : l.startsWith('220-') ? 'more' : 'bad');
/** IMAP: `* OK` is the only healthy greeting (PREAUTH would be anonymous access, BYE a refusal). */
const imapGreeting: Greeting = (l) => (/^\* OK\b/i.test(l) ? 'ok' : 'bad');

export function checkListener(
  name: 'SMTP' | 'IMAP',
  host: string,
  port: number,
  servername: string,
  timeoutMs: number,
): Promise<ListenerCheck> {
  const judge = name === 'SMTP' ? smtpGreeting : imapGreeting;
  const goodbye = name === 'SMTP' ? 'QUIT\r\n' : 'H1 LOGOUT\r\n';
  const base = { host, port };
  if (port === 0) return Promise.resolve({ ...base, ok: false, detail: `${name} port is 0 in the config: nothing to check (pass --${name.toLowerCase()}-port)` });
  return new Promise((resolve) => {
    let settled = false;
    let certificate: CertificateInfo | undefined;
    let tlsProtocol: string | undefined;
    let buf = '';
    const sock = tlsConnect({ host, port, servername: /^[\d.:]+$/.test(servername) ? undefined : servername, rejectUnauthorized: false });
    const finish = (r: Omit<ListenerCheck, 'host' | 'port'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (r.ok && !sock.destroyed) sock.end(goodbye);
      sock.destroy();
      resolve({ ...base, ...(tlsProtocol ? { tlsProtocol } : {}), ...(certificate ? { certificate } : {}), ...r });
    };
    const timer = setTimeout(
      () => finish({ ok: false, detail: certificate ? `no ${name} greeting within ${timeoutMs} ms after the TLS handshake` : `no TLS handshake within ${timeoutMs} ms` }),
      timeoutMs,
    );
    sock.on('secureConnect', () => {
      tlsProtocol = sock.getProtocol() ?? undefined;
      const cert = sock.getPeerCertificate(true);
      if (cert && Object.keys(cert).length) certificate = certificateInfo(cert, sock.authorized, sock.authorizationError ?? null);
    });
    sock.setEncoding('latin1');
    sock.on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        const v = judge(line);
        if (v === 'more') continue;
        if (v === 'bad') return finish({ ok: false, greeting: line, detail: `unexpected ${name} greeting: ${line.slice(0, 200)}` });
        if (certificate && certificate.daysLeft < 0) {
          return finish({ ok: false, greeting: line, detail: `the certificate expired on ${certificate.validTo}` });
        }
        return finish({ ok: true, greeting: line, detail: `TLS ${tlsProtocol ?? '?'} handshake and greeting ok` });
      }
      if (buf.length > 8192) finish({ ok: false, detail: `${name} greeting line too long` });
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      const why = e.code && !e.message.includes(e.code) ? `${e.code} ${e.message}` : e.message;
      finish({ ok: false, detail: certificate ? why : `TLS connection failed: ${why}` });
    });
    sock.on('close', () => finish({ ok: false, detail: `${name} connection closed before a greeting` }));
  });
}

export async function checkHealth(
  cfg: Pick<Config, 'dataDir' | 'bind' | 'hostname' | 'smtp' | 'imap'> & Partial<Pick<Config, 'keyFile'>>,
  opts: HealthOptions = {},
): Promise<HealthReport> {
  const host = opts.host ?? localHost(cfg.bind);
  const timeoutMs = opts.timeoutMs ?? 5000;
  const database = checkDatabase(cfg.dataDir, keyOptions({ keyFile: cfg.keyFile ?? '' }));
  const [smtp, imap] = await Promise.all([
    checkListener('SMTP', host, opts.smtpPort ?? cfg.smtp.port, cfg.hostname, timeoutMs),
    checkListener('IMAP', host, opts.imapPort ?? cfg.imap.port, cfg.hostname, timeoutMs),
  ]);
  const warnings: string[] = [];
  const q = database.queue;
  if (q && q.oldestAgeSeconds !== null && q.oldestAgeSeconds > 3600) {
    warnings.push(`mail for other domains has waited ${Math.round(q.oldestAgeSeconds / 60)} minutes (${q.length} queued): see gospochta queue list`);
  }
  const warnDays = opts.expiryWarningDays ?? 14;
  const seen = new Set<string>();
  for (const [name, c] of [['SMTP', smtp], ['IMAP', imap]] as const) {
    const cert = c.certificate;
    if (!cert) continue;
    const key = `${cert.subject}|${cert.validTo}`;
    const where = seen.has(key) ? null : name;
    seen.add(key);
    if (!where) continue;
    if (cert.selfSigned) {
      warnings.push(
        `SELF-SIGNED CERTIFICATE on ${name} (${cert.subject}): mail clients will warn every user; install a real certificate with GOSPOCHTA_TLS_CERT / GOSPOCHTA_TLS_KEY`,
      );
    } else if (!cert.trusted) {
      warnings.push(`the ${name} certificate (${cert.subject}) does not verify against the system CA store: ${cert.untrustedReason ?? 'unknown reason'}`);
    }
    if (cert.daysLeft < 0) warnings.push(`the ${name} certificate EXPIRED on ${cert.validTo}`);
    else if (cert.daysLeft < warnDays) warnings.push(`the ${name} certificate expires in ${cert.daysLeft} days (${cert.validTo}): renew it`);
  }
  return { ok: database.ok && smtp.ok && imap.ok, checks: { database, smtp, imap }, warnings };
}

/** The human-readable report `gospochta health` prints. */
export function formatHealth(r: HealthReport): string {
  const out: string[] = [];
  const mark = (ok: boolean) => (ok ? 'ok  ' : 'FAIL');
  const { database, smtp, imap } = r.checks;
  out.push(`database  ${mark(database.ok)}  ${database.file}: ${database.detail}`);
  for (const [name, c] of [['smtp', smtp], ['imap', imap]] as const) {
    let line = `${name.padEnd(8)}  ${mark(c.ok)}  ${c.host}:${c.port}: ${c.detail}`;
    if (c.greeting) line += `; greeting "${c.greeting.slice(0, 80)}"`;
    if (c.certificate) {
      const cert = c.certificate;
      line += `; certificate ${cert.subject}${cert.selfSigned ? ' (self-signed)' : cert.trusted ? ' (trusted)' : ' (untrusted)'}, valid to ${cert.validTo.slice(0, 10)} (${cert.daysLeft} days)`;
    }
    out.push(line);
  }
  for (const w of r.warnings) out.push(`WARNING: ${w}`);
  out.push(r.ok ? 'healthy' : 'UNHEALTHY');
  return out.join('\n') + '\n';
}
