/**
 * Configuration loading: embedded defaults ← config file ← GOSPOCHTA_* environment.
 * A bad value stops the process with one line naming the key, the value and the rule.
 */
import { readFileSync, existsSync } from 'node:fs';
import { resolve, isAbsolute } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ZodError } from 'zod';
import { configSchema, type Config } from './schema.js';
import { GpError } from '../shared/errors.js';

export type { Config };

const CANDIDATES = ['config/gospochta.yaml', 'config/gospochta.yml', 'config/gospochta.json'];

/** Environment variables of DESIGN.md → config paths. */
const ENV_MAP: Record<string, { path: string[]; type: 'string' | 'int' | 'list' }> = {
  GOSPOCHTA_DATA_DIR: { path: ['dataDir'], type: 'string' },
  GOSPOCHTA_KEY_FILE: { path: ['keyFile'], type: 'string' },
  GOSPOCHTA_DOMAINS: { path: ['domains'], type: 'list' },
  GOSPOCHTA_HOSTNAME: { path: ['hostname'], type: 'string' },
  GOSPOCHTA_SMTP_PORT: { path: ['smtp', 'port'], type: 'int' },
  GOSPOCHTA_IMAP_PORT: { path: ['imap', 'port'], type: 'int' },
  GOSPOCHTA_MX_PORT: { path: ['mx', 'port'], type: 'int' },
  GOSPOCHTA_SUBMISSION_PORT: { path: ['submission', 'port'], type: 'int' },
  GOSPOCHTA_POP3_PORT: { path: ['pop3', 'port'], type: 'int' },
  GOSPOCHTA_SIEVE_PORT: { path: ['sieve', 'port'], type: 'int' },
  GOSPOCHTA_BIND: { path: ['bind'], type: 'string' },
  GOSPOCHTA_WORKERS: { path: ['workers'], type: 'int' },
  GOSPOCHTA_TLS_CERT: { path: ['tls', 'cert'], type: 'string' },
  GOSPOCHTA_TLS_KEY: { path: ['tls', 'key'], type: 'string' },
  GOSPOCHTA_METRICS_PORT: { path: ['metrics', 'port'], type: 'int' },
  GOSPOCHTA_RSPAMD_URL: { path: ['spam', 'rspamdUrl'], type: 'string' },
  GOSPOCHTA_DNSSEC_RESOLVER: { path: ['outbound', 'dnssecResolver'], type: 'string' },
  LOG_LEVEL: { path: ['log', 'level'], type: 'string' },
};

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Values applied last (tests). */
  overrides?: Record<string, unknown>;
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let o = obj;
  for (const k of path.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[path[path.length - 1]!] = value;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)) {
      out[k] = deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>);
    } else out[k] = v;
  }
  return out;
}

function configError(key: string, value: unknown, rule: string): GpError {
  return new GpError('CONFIG_INVALID', `config: ${key} = ${JSON.stringify(value)}: ${rule}`, { kind: 'refusal', field: key });
}

export function findConfigFile(env: NodeJS.ProcessEnv, cwd: string): string | null {
  if (env.GOSPOCHTA_CONFIG) {
    const p = isAbsolute(env.GOSPOCHTA_CONFIG) ? env.GOSPOCHTA_CONFIG : resolve(cwd, env.GOSPOCHTA_CONFIG);
    if (!existsSync(p)) throw configError('GOSPOCHTA_CONFIG', env.GOSPOCHTA_CONFIG, 'file does not exist');
    return p;
  }
  for (const c of CANDIDATES) {
    const p = resolve(cwd, c);
    if (existsSync(p)) return p;
  }
  return null;
}

export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  let raw: Record<string, unknown> = {};
  const file = findConfigFile(env, cwd);
  if (file) {
    const text = readFileSync(file, 'utf8');
    try {
      const parsed: unknown = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
      if (parsed !== null && parsed !== undefined) {
        if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('top level must be a mapping');
        raw = parsed as Record<string, unknown>;
      }
    } catch (e) {
      throw new GpError('CONFIG_INVALID', `config: ${file}: cannot parse: ${(e as Error).message.split('\n')[0]}`, { kind: 'refusal' });
    }
  }
  for (const [name, spec] of Object.entries(ENV_MAP)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    let value: unknown = v;
    if (spec.type === 'int') {
      if (!/^\d+$/.test(v.trim())) throw configError(name, v, 'must be a whole number');
      value = Number(v.trim());
    } else if (spec.type === 'list') {
      value = v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    }
    setPath(raw, spec.path, value);
  }
  if (opts.overrides) raw = deepMerge(raw, opts.overrides);
  try {
    const cfg = configSchema.parse(raw);
    if (cfg.imap.maxLiteralBytes === undefined) cfg.imap.maxLiteralBytes = cfg.smtp.maxMessageBytes;
    cfg.dataDir = resolve(cwd, cfg.dataDir);
    if (cfg.tls.cert) cfg.tls.cert = resolve(cwd, cfg.tls.cert);
    if (cfg.tls.key) cfg.tls.key = resolve(cwd, cfg.tls.key);
    if (Boolean(cfg.tls.cert) !== Boolean(cfg.tls.key)) {
      throw configError(cfg.tls.cert ? 'tls.key' : 'tls.cert', '', 'certificate and key must be given together');
    }
    return cfg;
  } catch (e) {
    if (e instanceof ZodError) {
      const issue = e.issues[0]!;
      const key = issue.path.join('.');
      let value: unknown = raw;
      for (const k of issue.path) value = value && typeof value === 'object' ? (value as Record<string | number, unknown>)[k] : undefined;
      const rule = issue.code === 'unrecognized_keys' ? `unknown setting(s) ${issue.keys.join(', ')}` : issue.message;
      throw configError(key || '(top level)', value, rule);
    }
    throw e;
  }
}

/** Effective literal limit (maxLiteralBytes is filled in by loadConfig). */
export function maxLiteralBytes(cfg: Config): number {
  return cfg.imap.maxLiteralBytes ?? cfg.smtp.maxMessageBytes;
}
