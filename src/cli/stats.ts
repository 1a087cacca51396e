/**
 * `gospochta stats` — server-wide figures read from the database: accounts by
 * level and status, mailboxes by status, messages, stored bytes, database size,
 * and the last purge run.
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { act, withCommon } from './output.js';
import { dbPath } from '../store/db.js';

export function registerStatsCommand(program: Command): void {
  withCommon(program.command('stats'))
    .description('server-wide counts: accounts, mailboxes, messages, bytes, database size, last purge')
    .action(
      act((_args, s) => {
        const db = s.db;
        const group = (sql: string) => Object.fromEntries((db.prepare(sql).all() as Array<{ k: string; n: number }>).map((r) => [r.k, r.n]));
        const one = <T>(sql: string) => db.prepare(sql).get() as T;
        const file = dbPath(s.cfg.dataDir);
        let fileBytes = 0;
        for (const f of [file, file + '-wal']) {
          try {
            fileBytes += statSync(f).size;
          } catch {
            /* no WAL */
          }
        }
        const pages = (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
        const last = one<{ started_at: number; ended_at: number; messages: number; bytes: number } | undefined>('SELECT * FROM purge_runs ORDER BY id DESC LIMIT 1');
        const json = {
          accounts: { byLevel: group(`SELECT level AS k, count(*) AS n FROM accounts WHERE status <> 'deleted' GROUP BY level`), byStatus: group('SELECT status AS k, count(*) AS n FROM accounts GROUP BY status') },
          mailboxes: group('SELECT status AS k, count(*) AS n FROM mailboxes GROUP BY status'),
          messages: one<{ n: number }>('SELECT count(*) AS n FROM messages').n,
          messageBytes: one<{ n: number }>('SELECT coalesce(sum(size), 0) AS n FROM messages').n,
          storedBytes: one<{ n: number }>('SELECT coalesce(sum(size), 0) AS n FROM blobs').n,
          database: { bytes: pages, fileBytes },
          lastPurge: last ? { at: new Date(last.ended_at ?? last.started_at).toISOString(), messages: last.messages, bytes: last.bytes } : null,
        };
        const text = [
          `accounts: ${JSON.stringify(json.accounts.byLevel)} (by status ${JSON.stringify(json.accounts.byStatus)})`,
          `mailboxes: ${JSON.stringify(json.mailboxes)}`,
          `messages: ${json.messages} (${json.messageBytes} bytes; ${json.storedBytes} bytes stored once per content)`,
          `database: ${json.database.bytes} bytes (${json.database.fileBytes} on disk with the WAL)`,
          `last purge: ${json.lastPurge ? `${json.lastPurge.at}, ${json.lastPurge.messages} message(s)` : 'never'}`,
        ];
        return { json, text };
      }),
    );
}
