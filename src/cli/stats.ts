/**
 * `gospochta stats` — server-wide figures read from the database: accounts by
 * level and status, mailboxes by status, messages, stored bytes, database size,
 * the outbound queue (length, age of the oldest) and the last purge run.
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { act, withCommon } from './output.js';
import { dbPath } from '../store/db.js';
import { databaseBytes } from '../store/maintenance.js';
import { lastPurgeRun } from '../store/purges.js';
import { serverCounts } from '../store/stats.js';
import { queueSummary } from '../store/outbound.js';

export function registerStatsCommand(program: Command): void {
  withCommon(program.command('stats'))
    .description('server-wide counts: accounts, mailboxes, messages, bytes, database size, last purge')
    .action(
      act((_args, s) => {
        const db = s.db;
        const file = dbPath(s.cfg.dataDir);
        let fileBytes = 0;
        for (const f of [file, file + '-wal']) {
          try {
            fileBytes += statSync(f).size;
          } catch {
            /* no WAL */
          }
        }
        const last = lastPurgeRun(db);
        const json = {
          ...serverCounts(db),
          database: { bytes: databaseBytes(db), fileBytes },
          queue: queueSummary(db, Date.now()),
          lastPurge: last ? { at: new Date(last.endedAt ?? last.startedAt).toISOString(), messages: last.messages, bytes: last.bytes } : null,
        };
        const text = [
          `accounts: ${JSON.stringify(json.accounts.byLevel)} (by status ${JSON.stringify(json.accounts.byStatus)})`,
          `mailboxes: ${JSON.stringify(json.mailboxes)}`,
          `messages: ${json.messages} (${json.messageBytes} bytes; ${json.storedBytes} bytes stored once per content)`,
          `database: ${json.database.bytes} bytes (${json.database.fileBytes} on disk with the WAL)`,
          `queue for other domains: ${json.queue.length}${json.queue.oldestAgeSeconds !== null ? `, the oldest waiting ${json.queue.oldestAgeSeconds} s` : ''}`,
          `last purge: ${json.lastPurge ? `${json.lastPurge.at}, ${json.lastPurge.messages} message(s)` : 'never'}`,
        ];
        return { json, text };
      }),
    );
}
