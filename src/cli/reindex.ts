/**
 * `gospochta reindex [--batch N]` — rebuild the full-text index (SEARCH BODY / TEXT)
 * from the stored search text of every message, in transactions of N blobs, with
 * progress on stderr; then drop the index terms no message holds any more. Safe
 * while the server runs: every message stays searchable during the rebuild (each
 * row is replaced, never cleared first), and mail arriving meanwhile is indexed at
 * delivery as always.
 */
import type { Command } from 'commander';
import { act, withCommon } from './output.js';
import { indexableBlobs, pruneTerms, reindexBatch } from '../store/fts.js';
import { invalid } from '../shared/errors.js';

export function registerReindexCommand(program: Command): void {
  withCommon(program.command('reindex'))
    .description('rebuild the full-text search index of all stored messages')
    .option('--batch <n>', 'messages per transaction', '1000')
    .option('--quiet', 'no progress lines on stderr')
    .action(
      act((_args, s) => {
        const batch = Number(s.opts.batch);
        if (!Number.isInteger(batch) || batch < 1 || batch > 100_000) throw invalid('batch', 'a whole number from 1 to 100000');
        const started = Date.now();
        const total = indexableBlobs(s.db);
        let done = 0;
        let lastReport = 0;
        for (let after = 0; ; ) {
          const r = reindexBatch(s.db, after, batch);
          if (r.lastId === null) break;
          after = r.lastId;
          done += r.blobs;
          if (!s.opts.quiet && (Date.now() - lastReport >= 1000 || done >= total)) {
            lastReport = Date.now();
            process.stderr.write(`reindex: ${done}/${total} messages\n`);
          }
        }
        const prunedTerms = pruneTerms(s.db);
        const ms = Date.now() - started;
        return { json: { messages: done, prunedTerms, ms }, text: `indexed ${done} message(s) in ${(ms / 1000).toFixed(1)} s; ${prunedTerms} unused term(s) dropped` };
      }),
    );
}
