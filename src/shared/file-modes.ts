/**
 * Files that hold secrets or personal data must be readable by the service's
 * user only: the database, its WAL and shared-memory file, the database key file,
 * the TLS private key and backups 0600 (group and others: nothing), in 0700
 * directories. Checked at start; a looser mode is a warning (the operator may
 * have reasons, e.g. a group-readable certificate store), never a refusal.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ModeWarning {
  path: string;
  mode: string;
  want: string;
}

/** Warnings for every existing `files` entry wider than 0600 and every directory holding one wider than 0700. */
export function checkPrivateModes(files: string[]): ModeWarning[] {
  const out: ModeWarning[] = [];
  const seen = new Set<string>();
  const check = (path: string, limit: number): void => {
    if (seen.has(path) || !existsSync(path)) return;
    seen.add(path);
    const mode = statSync(path).mode & 0o777;
    if (mode & ~limit) out.push({ path, mode: mode.toString(8).padStart(4, '0'), want: limit.toString(8).padStart(4, '0') });
  };
  for (const f of files) {
    check(f, 0o600);
    check(dirname(f), 0o700);
  }
  return out;
}
