/**
 * `gospochta restore FILE [--json]`: replace the database with a backup. Refuses
 * while a server runs on this data directory (src/ops/restore.ts).
 */
import type { Command } from 'commander';
import { restoreDatabase } from '../ops/restore.js';
import { opsConfig, printJson, printText, runOps, humanBytes, type JsonOption } from './ops-common.js';

export function registerRestore(program: Command): void {
  program
    .command('restore')
    .description('replace the database with a backup FILE after checking it; refuses while the server is running')
    .argument('<file>', 'a file written by `gospochta backup`')
    .option('--no-keep-previous', 'do not keep the replaced database as gospochta.sqlite.before-restore-TIME')
    .option('--key-file <file>', 'the key file the backup was encrypted with, when it is not the current key (a backup made before `gospochta key rotate`)')
    .option('--json', 'print one JSON object')
    .action(async (file: string, opts: JsonOption & { keepPrevious: boolean; keyFile?: string }) => {
      await runOps(opts, async () => {
        const cfg = opsConfig();
        const r = await restoreDatabase(cfg, file, { keepPrevious: opts.keepPrevious, ...(opts.keyFile ? { backupKeyFile: opts.keyFile } : {}) });
        if (opts.json) printJson(r);
        else {
          printText(
            `restored ${r.file} into ${r.database}: ${humanBytes(r.bytes)}, schema ${r.schemaVersion}, ` +
              `${r.accounts} accounts, ${r.mailboxes} mailboxes, ${r.messages} messages` +
              (r.previous ? `\nthe replaced database is kept as ${r.previous} (delete it once the server runs well)` : ''),
          );
        }
      });
    });
}
