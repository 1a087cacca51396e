/**
 * Dovecot's imaptest in its stress mode, as `bench:compare` runs it against
 * every IMAP server alike: TLS (ssl=any-cert), USERS users user1..userN of one
 * domain with one password, CLIENTS clients, the given mbox as the source of
 * APPENDs, logout=0, SECS seconds. Returns its totals (the column it prints
 * per command: Logi, List, Stat, Sele, Fetc, Fet2, Stor, Dele, Expu, Appe…)
 * and the `Error:` lines it printed.
 *
 * imaptest is not part of this project: it is found through $IMAPTEST or on
 * PATH; it links against Dovecot's libraries (LD_LIBRARY_PATH=/usr/lib/dovecot
 * is added when that directory exists).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findProgram } from './reference/system.js';

export interface ImaptestRun {
  totals: Record<string, number>;
  errors: string[];
  output: string;
}

export function findImaptest(): string | null {
  return findProgram('imaptest', 'IMAPTEST');
}

export function runImaptest(o: {
  binary: string;
  port: number;
  userPattern: string;
  password: string;
  users: number;
  clients: number;
  mbox: string;
  secs: number;
}): Promise<ImaptestRun> {
  const env = { ...process.env };
  if (existsSync('/usr/lib/dovecot')) env.LD_LIBRARY_PATH = ['/usr/lib/dovecot', env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  const args = [
    'host=127.0.0.1', `port=${o.port}`, 'ssl=any-cert', `user=${o.userPattern}`, `pass=${o.password}`,
    `users=${o.users}`, `clients=${o.clients}`, `mbox=${o.mbox}`, `secs=${o.secs}`, 'logout=0',
  ];
  return new Promise((resolve, reject) => {
    const p = spawn(o.binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => chunks.push(d));
    p.stderr.on('data', (d: Buffer) => chunks.push(d));
    // imaptest stops by itself after secs; a hung one is stopped (its PID only).
    const guard = setTimeout(() => p.kill('SIGKILL'), (o.secs + 120) * 1000);
    p.once('error', reject);
    p.once('close', (code, signal) => {
      clearTimeout(guard);
      const output = Buffer.concat(chunks).toString('utf8');
      const totals = parseTotals(output);
      if (!totals) return reject(new Error(`imaptest exited ${code ?? signal} without totals:\n${output.slice(-2000)}`));
      const errors = output.split('\n').filter((l) => /(^|\s)Error:/.test(l));
      resolve({ totals, errors, output });
    });
  });
}

/** The counts under imaptest's last "Totals:" header line, by column name. */
export function parseTotals(output: string): Record<string, number> | null {
  const at = output.lastIndexOf('Totals:');
  if (at < 0) return null;
  const lines = output.slice(at).split('\n').slice(1);
  const header = lines[0]?.trim().split(/\s+/) ?? [];
  const values = lines.slice(1).find((l) => /^\s*\d+(\s+\d+)*\s*$/.test(l));
  if (!header.length || !values) return null;
  const nums = values.trim().split(/\s+/).map(Number);
  const out: Record<string, number> = {};
  header.forEach((h, i) => {
    if (nums[i] !== undefined) out[h] = nums[i]!;
  });
  return out;
}
