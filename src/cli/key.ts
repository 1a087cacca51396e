/**
 * `gospochta key rotate` — the database re-keyed to a new random key in the key
 * file; `gospochta encrypt` — a plaintext database of an older gospochta
 * encrypted in place. Both copy, verify (every table's rows, every blob's
 * SHA-256) and swap (src/store/rekey.ts), and refuse while a server uses the
 * data directory: its processes hold the old key.
 */
import type { Command } from 'commander';
import { act, withCommon, type CliSession } from './output.js';
import { dbPath } from '../store/db.js';
import { keyOptions } from '../store/key.js';
import { encryptPlaintext, rotateKey, type ConvertReport } from '../store/rekey.js';
import { detectRunningServer } from '../ops/server-running.js';
import { GpError } from '../shared/errors.js';

async function refuseIfRunning(s: CliSession, what: string): Promise<void> {
  const signs = await detectRunningServer(s.cfg);
  if (signs.length) {
    throw new GpError('SERVER_RUNNING', `refusing to ${what} while the server is running (${signs.map((x) => x.detail).join('; ')}): stop it first`, {
      kind: 'conflict',
    });
  }
}

function report(verb: string, r: ConvertReport): { json: ConvertReport; text: string } {
  const rows = Object.values(r.tables).reduce((a, b) => a + b, 0);
  return { json: r, text: `${verb} ${r.database}: ${rows} rows in ${Object.keys(r.tables).length} tables, ${r.blobs} blobs verified; key in ${r.keyFile}` };
}

export function registerKeyCommands(program: Command): void {
  const key = program.command('key').description('the database encryption key');
  withCommon(key.command('rotate'))
    .description('re-key the database to a new random key (the server must be stopped; the new key file is written first, the old one kept until done)')
    .action(
      act(async (_args, s) => {
        await refuseIfRunning(s, 'rotate the key');
        return report('re-keyed', rotateKey({ file: dbPath(s.cfg.dataDir), dataDir: s.cfg.dataDir, key: keyOptions(s.cfg) }));
      }),
    );
  withCommon(program.command('encrypt'))
    .description('encrypt a plaintext database of an older gospochta in place (copy, verify, swap; the server must be stopped)')
    .action(
      act(async (_args, s) => {
        await refuseIfRunning(s, 'encrypt the database');
        return report('encrypted', encryptPlaintext({ file: dbPath(s.cfg.dataDir), dataDir: s.cfg.dataDir, key: keyOptions(s.cfg) }));
      }),
    );
}
