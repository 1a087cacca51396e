import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config/load.js';
import { openDb, type Db } from '../../src/store/db.js';
import type { IdentityContext } from '../../src/identity/context.js';
import type { Notifier, CodeMessage } from '../../src/identity/notifier.js';
import { registerAccount, setDocuments } from '../../src/identity/accounts.js';
import { confirmInPerson } from '../../src/identity/confirm.js';

export interface TestEnv {
  dir: string;
  cfg: Config;
  db: Db;
  ctx: IdentityContext;
  sent: CodeMessage[];
  clock: { now: number };
  cleanup(): void;
}

export function makeEnv(overrides: Record<string, unknown> = {}): TestEnv {
  const dir = mkdtempSync(join(tmpdir(), 'gp-identity-'));
  const cfg = loadConfig({ env: {}, cwd: dir, overrides: { dataDir: join(dir, 'data'), domains: ['example.org', 'mail.example.org'], ...overrides } });
  const db = openDb(cfg.dataDir);
  const sent: CodeMessage[] = [];
  const clock = { now: Date.now() };
  const notifier: Notifier = { kind: 'memory', send: async (m) => void sent.push(m) };
  const ctx: IdentityContext = { db, cfg, actor: 'operator:test', now: () => clock.now, notifier };
  return {
    dir, cfg, db, ctx, sent, clock,
    cleanup() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const PERSON = { name: 'Иванов Иван Иванович', phone: '+7 912 345-67-89', consent: true };
export const SNILS = '112-233-445 95';

/** Register; level 'simplified' | 'standard' | 'confirmed'. */
export async function person(ctx: IdentityContext, level: 'simplified' | 'standard' | 'confirmed', snils = SNILS): Promise<number> {
  const a = registerAccount(ctx, PERSON);
  if (level === 'simplified') return a.id;
  setDocuments(ctx, a.id, { snils, passport: '4510 123456', passportIssued: '01.02.2015', passportDivision: '770-001' });
  if (level === 'standard') return a.id;
  await confirmInPerson(ctx, a.id, 'Петрова А.', 'passport 4510 123456');
  return a.id;
}

export const GOOD_PASSWORD = 'Vk7#pQ2m!zR9';
