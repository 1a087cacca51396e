/**
 * Server-wide counts for `gospochta stats`: accounts by level and status,
 * mailboxes by status, messages and their bytes, bytes stored once per content.
 */
import { cached, type Db } from './db.js';

export interface ServerCounts {
  accounts: { byLevel: Record<string, number>; byStatus: Record<string, number> };
  mailboxes: Record<string, number>;
  messages: number;
  messageBytes: number;
  storedBytes: number;
}

export function serverCounts(db: Db): ServerCounts {
  const group = (sql: string): Record<string, number> =>
    Object.fromEntries((cached(db, sql).all() as Array<{ k: string; n: number }>).map((r) => [r.k, r.n]));
  const one = (sql: string): number => (cached(db, sql).get() as { n: number }).n;
  return {
    accounts: {
      byLevel: group(`SELECT level AS k, count(*) AS n FROM accounts WHERE status <> 'deleted' GROUP BY level`),
      byStatus: group('SELECT status AS k, count(*) AS n FROM accounts GROUP BY status'),
    },
    mailboxes: group('SELECT status AS k, count(*) AS n FROM mailboxes GROUP BY status'),
    messages: one('SELECT count(*) AS n FROM messages'),
    messageBytes: one('SELECT coalesce(sum(size), 0) AS n FROM messages'),
    storedBytes: one('SELECT coalesce(sum(size), 0) AS n FROM blobs'),
  };
}
