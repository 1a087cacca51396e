/**
 * `gospochta purge [--dry-run]` — the retention purge on demand (the server also runs
 * it on a schedule): messages and bytes per mailbox and in total. Safe while the
 * server runs; its open IMAP sessions learn of the expunges within seconds.
 */
import type { Command } from 'commander';
import { act, withCommon } from './output.js';
import { runPurge } from '../policy/retention.js';

export function registerPurgeCommand(program: Command): void {
  withCommon(program.command('purge'))
    .description(`remove messages stored longer than the retention period (default 180 days)`)
    .option('--dry-run', 'only report what would be removed')
    .action(
      act(async (_args, s) => {
        const r = await runPurge({ db: s.db, cfg: s.cfg, dryRun: Boolean(s.opts.dryRun), actor: `operator:${s.operatorName}`, trigger: 'cli' });
        const head = `${r.dryRun ? 'would remove' : 'removed'} ${r.messages} message(s), ${r.bytes} bytes, stored before ${r.cutoff}`;
        const lines = [head, ...r.perMailbox.map((m) => `  ${m.address}: ${m.messages} message(s), ${m.bytes} bytes`)];
        if (!r.dryRun) lines.push(`freed ${r.blobs} blob(s); database ${r.fileBytesBefore} → ${r.fileBytesAfter} bytes`);
        return { json: r, text: lines };
      }),
    );
}
