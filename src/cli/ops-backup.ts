/**
 * `gospochta backup FILE [--force] [--json]`: a verified online copy of the live
 * database (src/ops/backup.ts); safe while the server runs.
 */
import type { Command } from 'commander';
import { backupDatabase } from '../ops/backup.js';
import { keyOptions } from '../store/key.js';
import { opsConfig, printJson, printText, runOps, humanBytes, type JsonOption } from './ops-common.js';

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('copy the live database to FILE with SQLite\'s online backup API (safe while the server runs), then verify the copy')
    .argument('<file>', 'where to write the copy (mode 0600; it holds personal data)')
    .option('--force', 'replace FILE if it exists')
    .option('--json', 'print one JSON object')
    .action(async (file: string, opts: JsonOption & { force?: boolean }) => {
      await runOps(opts, async () => {
        const cfg = opsConfig();
        const r = await backupDatabase(cfg.dataDir, file, { force: opts.force, key: keyOptions(cfg) });
        if (opts.json) printJson(r);
        else {
          printText(
            `backup written to ${r.file}: ${humanBytes(r.bytes)}, integrity_check ok, schema ${r.schemaVersion}, ` +
              `${r.accounts} accounts, ${r.mailboxes} mailboxes, ${r.messages} messages`,
          );
        }
      });
    });
}
