/**
 * Mail to other domains, for the operator:
 *   gospochta dkim generate DOMAIN [--selector S] [--algorithm rsa|ed25519]
 *                                                  the key stored, the TXT record printed
 *   gospochta dkim show DOMAIN
 *   gospochta dns DOMAIN                            MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT and DANE
 *                                                  records to publish, and the MTA-STS policy file
 *   gospochta queue list [--all]|show ID|retry ID|delete ID
 * Safe while the server runs (the queue is rows in the store; the server's runner
 * picks up a retry within outbound.pollMs).
 */
import type { Command } from 'commander';
import { act, kv, withCommon } from './output.js';
import { generateDkim, showDkim } from '../mta/dkim.js';
import { dnsRecords } from '../mta/dns-records.js';
import { deleteQueued, listQueue, queueRowsOf, retryNow, type QueueRow } from '../store/outbound.js';
import { audit } from '../store/audit.js';
import { GpError } from '../shared/errors.js';

function rowJson(r: QueueRow) {
  return {
    id: r.queue_id,
    recipient: r.recipient,
    sender: r.sender,
    status: r.status,
    attempts: r.attempts,
    createdAt: new Date(r.created_at).toISOString(),
    nextAttemptAt: r.status === 'queued' ? new Date(r.next_attempt_at).toISOString() : null,
    lastError: r.last_error,
    remote: r.remote,
    tls: r.tls,
  };
}

function rowsOf(db: Parameters<typeof queueRowsOf>[0], id: string): QueueRow[] {
  const rows = queueRowsOf(db, id);
  if (!rows.length) throw new GpError('NOT_FOUND', `no queued message ${id}`, { kind: 'not_found' });
  return rows;
}

export function registerMtaCommands(program: Command): void {
  const dkim = program.command('dkim').description('DKIM keys of the served domains');
  withCommon(dkim.command('generate').argument('<domain>', 'a served domain'))
    .description('make (or replace) the DKIM key of a domain and print its DNS record')
    .option('--selector <selector>', 'the DNS selector', 'gospochta')
    .option('--algorithm <algorithm>', 'rsa (RSA-2048, understood everywhere) or ed25519 (RFC 8463)', 'rsa')
    .action(
      act(async (args, s) => {
        const v = generateDkim(s.db, s.cfg, args[0]!, { selector: String(s.opts.selector ?? 'gospochta'), algorithm: String(s.opts.algorithm ?? 'rsa') });
        audit(s.db, { actor: `operator:${s.operatorName}`, subject: `domain:${v.domain}`, action: 'dkim.generate', details: { selector: v.selector, algorithm: v.algorithm } });
        return { json: v, text: [`publish this TXT record, then mail from ${v.domain} is signed:`, `${v.name}. IN TXT "${v.txt}"`] };
      }),
    );
  withCommon(dkim.command('show').argument('<domain>', 'a served domain'))
    .description('the DKIM key of a domain and its DNS record')
    .action(act(async (args, s) => {
      const v = showDkim(s.db, s.cfg, args[0]!);
      return { json: v, text: kv([['domain', v.domain], ['selector', v.selector], ['algorithm', v.algorithm], ['created', v.createdAt], ['record', `${v.name}. IN TXT "${v.txt}"`]]) };
    }));

  withCommon(program.command('dns').argument('<domain>', 'a served domain'))
    .description('the DNS records to publish for a domain: MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, DANE TLSA')
    .action(act(async (args, s) => {
      const v = dnsRecords(s.db, s.cfg, args[0]!);
      const text = [
        ...v.records.map((r) => `${r.name}. IN ${r.type} ${r.type === 'TXT' ? `"${r.value}"` : r.value}    ; ${r.why}`),
        '',
        `serve this MTA-STS policy at ${v.mtaStsPolicy.url}:`,
        ...v.mtaStsPolicy.text.trimEnd().split('\r\n').map((l) => `    ${l}`),
        '',
        ...v.warnings.map((w) => `warning: ${w}`),
      ];
      return { json: v, text };
    }));

  const queue = program.command('queue').description('mail waiting for delivery to other domains');
  withCommon(queue.command('list'))
    .description('messages waiting (or, with --all, also sent and returned ones)')
    .option('--all', 'include sent and bounced rows')
    .option('--limit <n>', 'at most n rows', '1000')
    .action(act(async (_args, s) => {
      const limit = Number(s.opts.limit ?? 1000);
      const rows = listQueue(s.db, s.opts.all ? { limit, status: ['queued', 'sending', 'sent', 'bounced'] } : { limit });
      return { json: { queue: rows.map(rowJson) }, text: rows.length ? rows.map((r) => `${r.queue_id}  ${r.status.padEnd(7)}  ${r.sender} → ${r.recipient}  tries ${r.attempts}${r.last_error ? `  last: ${r.last_error.slice(0, 80)}` : ''}`) : ['the queue is empty'] };
    }));
  withCommon(queue.command('show').argument('<id>', 'queue id'))
    .description('one queued message, per recipient')
    .action(act(async (args, s) => {
      const rows = rowsOf(s.db, args[0]!);
      return { json: { id: args[0], recipients: rows.map(rowJson) }, text: rows.flatMap((r) => kv(Object.entries(rowJson(r)) as Array<[string, unknown]>).concat('')) };
    }));
  withCommon(queue.command('retry').argument('<id>', 'queue id'))
    .description('try a queued message again now')
    .action(act(async (args, s) => {
      rowsOf(s.db, args[0]!);
      const n = retryNow(s.db, { queueId: args[0]!, now: Date.now() });
      audit(s.db, { actor: `operator:${s.operatorName}`, subject: `queue:${args[0]}`, action: 'queue.retry', details: { recipients: n } });
      return { json: { id: args[0], retried: n }, text: [`${n} recipient(s) of ${args[0]} will be tried again now`] };
    }));
  withCommon(queue.command('delete').argument('<id>', 'queue id'))
    .description('remove a queued message without delivering it (no report to the sender)')
    .action(act(async (args, s) => {
      rowsOf(s.db, args[0]!);
      const n = deleteQueued(s.db, args[0]!);
      audit(s.db, { actor: `operator:${s.operatorName}`, subject: `queue:${args[0]}`, action: 'queue.delete', details: { recipients: n } });
      return { json: { id: args[0], deleted: n }, text: [`removed ${n} undelivered recipient(s) of ${args[0]}`] };
    }));
}
