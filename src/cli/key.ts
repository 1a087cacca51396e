/**
 * `gospochta key rotate` — the database re-keyed to a new random key in the key
 * file; `gospochta encrypt` — a plaintext database of an older gospochta
 * encrypted in place. Both copy, verify (every table's rows, every blob's
 * SHA-256) and swap (src/store/rekey.ts). A running server is asked to rotate
 * on its control socket (ops/control-socket.ts, store/rotate-online.ts: clients
 * keep their sessions); with none running the CLI rotates itself. `encrypt`
 * refuses while a server uses the data directory.
 */
import type { Command } from 'commander';
import { act, withCommon, type CliSession } from './output.js';
import { dbPath } from '../store/db.js';
import { keyOptions } from '../store/key.js';
import { encryptPlaintext, rotateKey, rotationKeyFile, type ConvertReport } from '../store/rekey.js';
import type { OnlineReport } from '../store/rotate-online.js';
import { askServer } from '../ops/control-socket.js';
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
    .description('re-key the database to a new random key (online when the server runs; the new key file is written first, the old one kept until done)')
    .action(
      act(async (_args, s) => {
        const o = { file: dbPath(s.cfg.dataDir), dataDir: s.cfg.dataDir, key: keyOptions(s.cfg) };
        rotationKeyFile(o); // GOSPOCHTA_KEY, a plaintext database: refused here as in the server
        const online = await askServer(s.cfg.dataDir, { op: 'key.rotate' });
        if (online) {
          if (!online.ok) throw new GpError(online.error.code, `the server refused the rotation: ${online.error.message}`);
          const r = online.result as OnlineReport;
          const out = report('re-keyed (online)', r);
          return { json: r, text: `${out.text}; the store paused ${r.pauseMs} ms` };
        }
        await refuseIfRunning(s, 'rotate the key');
        return report('re-keyed', rotateKey(o));
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
