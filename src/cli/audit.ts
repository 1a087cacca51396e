/**
 * `gospochta audit`: list the audit journal, newest first, with filters.
 */
import { Command } from 'commander';
import { invalid } from '../shared/errors.js';
import { listLogins } from '../store/logins.js';
import { listAudit, type AuditFilter } from '../store/audit.js';
import { parseAccountId } from '../identity/accounts.js';
import { requireMailbox } from '../identity/mailboxes.js';
import { act, withCommon } from './output.js';

export interface AuditEventView {
  id: number;
  at: string;
  actor: string;
  subject: string;
  action: string;
  outcome: string;
  remote: string | null;
  accountId: number | null;
  mailboxId: number | null;
  details: unknown;
}

export function parseSince(v: string): number {
  const t = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) throw invalid('since', 'must be an ISO date or time (2026-01-31 or 2026-01-31T12:00:00Z)');
  return t;
}

export function registerAuditCommand(program: Command): void {
  withCommon(program.command('audit'))
    .description('list the audit journal (newest first)')
    .option('--account <id>', 'events about this account')
    .option('--mailbox <address>', 'events about this mailbox')
    .option('--since <ISO date>', 'events at or after this time')
    .option('--action <action>', 'this action (account.confirm), or a prefix with * (account.*)')
    .option('--limit <n>', 'at most n events', '100')
    .option('--logins', 'with --mailbox: the login journal (protocol, address, client, outcome)')
    .action(act((_a, s) => {
      const o = s.opts as { account?: string; mailbox?: string; since?: string; action?: string; limit: string; logins?: boolean };
      if (o.logins) {
        if (o.mailbox === undefined) throw invalid('logins', 'needs --mailbox ADDRESS');
        if (!/^\d{1,7}$/.test(o.limit) || Number(o.limit) <= 0) throw invalid('limit', 'must be a positive whole number');
        const logins = listLogins(s.db, requireMailbox(s.db, o.mailbox).id, Number(o.limit));
        return {
          json: { logins },
          text: logins.map((l) => `${l.at}  ${l.protocol.padEnd(5)} ${l.outcome.padEnd(7)} ${(l.remote ?? '?').padEnd(40)} ${l.client ?? ''}`),
        };
      }
      const f: AuditFilter = {};
      if (o.account !== undefined) f.accountId = parseAccountId(o.account);
      if (o.mailbox !== undefined) f.mailboxId = requireMailbox(s.db, o.mailbox).id;
      if (o.since !== undefined) f.since = parseSince(o.since);
      if (o.action !== undefined) f.action = o.action.replace(/\*/g, '%');
      if (!/^\d{1,7}$/.test(o.limit) || Number(o.limit) <= 0) throw invalid('limit', 'must be a positive whole number');
      f.limit = Number(o.limit);
      const events: AuditEventView[] = listAudit(s.db, f).map((r) => ({
        id: r.id,
        at: new Date(r.at).toISOString(),
        actor: r.actor,
        subject: r.subject,
        action: r.action,
        outcome: r.outcome,
        remote: r.remote,
        accountId: r.account_id,
        mailboxId: r.mailbox_id,
        details: r.details ? (JSON.parse(r.details) as unknown) : null,
      }));
      return {
        json: { events },
        text: events.map((e) => `${e.at}  ${e.actor.padEnd(20)} ${e.action.padEnd(26)} ${e.outcome.padEnd(8)} ${e.subject}${e.details ? '  ' + JSON.stringify(e.details) : ''}`),
      };
    }));
}
