import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';

const repo = resolve(import.meta.dirname, '../..');
const empty = mkdtempSync(join(tmpdir(), 'gp-cfg-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

/** Leaf paths of a plain object ("smtp.port"); arrays are leaves. */
function leaves(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) ? leaves(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('config/gospochta.yaml', () => {
  const file = join(repo, 'config/gospochta.yaml');

  it('loads through loadConfig and equals the embedded defaults exactly', () => {
    const embedded = loadConfig({ env: {}, cwd: empty });
    const fromFile = loadConfig({ env: { GOSPOCHTA_CONFIG: file }, cwd: empty });
    expect(fromFile).toEqual(embedded);
  });

  it('is the file the server finds by default in the repository', () => {
    expect(loadConfig({ env: {}, cwd: repo })).toEqual({ ...loadConfig({ env: {}, cwd: empty }), dataDir: join(repo, 'data') });
  });

  it('shows every setting (the three with computed defaults as comments)', () => {
    const text = readFileSync(file, 'utf8');
    const written = new Set(leaves(parse(text) as Record<string, unknown>));
    const all = leaves(configSchema.parse({}) as unknown as Record<string, unknown>);
    const commented = ['hostname', 'imap.maxLiteralBytes', 'workers'];
    for (const p of all) {
      if (commented.includes(p)) continue;
      expect(written.has(p), `config/gospochta.yaml lacks ${p}`).toBe(true);
    }
    expect(text).toMatch(/^# hostname: /m);
    expect(text).toMatch(/^# workers: /m);
    expect(text).toMatch(/^ {2}# maxLiteralBytes: /m);
  });
});

describe('config/production.example.yaml', () => {
  it('validates against the schema and sets what production needs', () => {
    const cfg = loadConfig({ env: { GOSPOCHTA_CONFIG: join(repo, 'config/production.example.yaml') }, cwd: empty });
    expect(cfg.domains).toEqual(['example.org']);
    expect(cfg.hostname).toBe('mail.example.org');
    expect(cfg.tls.cert).toMatch(/fullchain\.pem$/);
    expect(cfg.dataDir).toBe('/var/lib/gospochta');
    expect(cfg.notifier.kind).toBe('webhook');
    expect(cfg.metrics.port).toBe(9465);
    // The service rules stay the product's.
    expect(cfg.limits).toEqual({ attachmentBytes: 26_214_400, dailyRecipients: 200, mailboxBytes: 10 * 1024 ** 3, mailboxMessages: 1_000_000, quotaWarnPercent: 90 });
    expect(cfg.retention.days).toBe(180);
  });

  it('environment variables still override the file', () => {
    const cfg = loadConfig({
      env: { GOSPOCHTA_CONFIG: join(repo, 'config/production.example.yaml'), GOSPOCHTA_DOMAINS: 'a.example,B.example', GOSPOCHTA_SMTP_PORT: '1465' },
      cwd: empty,
    });
    expect(cfg.domains).toEqual(['a.example', 'b.example']);
    expect(cfg.smtp.port).toBe(1465);
  });
});
