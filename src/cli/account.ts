/**
 * `gospochta account …`: register, documents, confirm, show, list, block,
 * unblock, delete, consent revoke. A thin shell over src/identity.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { invalid } from '../shared/errors.js';
import {
  blockAccount, deleteAccount, grantConsent, listAccountViews, parseAccountId, registerAccount, revokeConsent, setDocuments,
  showAccount, unblockAccount, type AccountView,
} from '../identity/accounts.js';
import { confirmCertificate, confirmInPerson, requestCode, verifyCode } from '../identity/confirm.js';
import type { AccountLevel, AccountStatus } from '../store/accounts.js';
import { act, kv, withCommon, type CliSession, type Result } from './output.js';
import { registerAccountExport } from './account-export.js';

export function accountLines(a: AccountView): string[] {
  return kv([
    ['id', a.id],
    ['name', a.fullName],
    ['phone', a.phone],
    ['email', a.email],
    ['birth date', a.birthDate],
    ['snils', a.snils],
    ['inn', a.inn],
    ['passport', a.passport ? `${a.passport.series} ${a.passport.number}${a.passport.issued ? ` issued ${a.passport.issued}` : ''}${a.passport.division ? ` division ${a.passport.division}` : ''}` : null],
    ['level', a.level],
    ['status', a.status],
    ['confirmed', a.confirmed ? `${a.confirmed.method} at ${a.confirmed.at}${a.confirmed.by ? ` by ${a.confirmed.by}` : ''}` : null],
    ['consent', a.consent ? `version ${a.consent.version} granted ${a.consent.grantedAt}` : 'none in force'],
    ['mailboxes', a.mailboxes.length ? a.mailboxes.join(', ') : null],
    ['created', a.createdAt],
  ]);
}

function viewResult(a: AccountView, extra: Record<string, unknown> = {}): Result {
  return { json: { ...a, ...extra }, text: accountLines(a) };
}

const LEVELS = ['simplified', 'standard', 'confirmed'];
const STATUSES = ['active', 'blocked', 'deleted'];

function positiveInt(v: string, field: string): number {
  if (!/^\d{1,9}$/.test(v) || Number(v) <= 0) throw invalid(field, 'must be a positive whole number');
  return Number(v);
}

/** `<parent> <name> <id>`: a subcommand on one account, with the common options. */
function accountIdCommand(parent: Command, name: string): Command {
  return withCommon(parent.command(name).argument('<id>', 'account id'));
}

export function registerAccountCommands(program: Command): void {
  const account = program.command('account').description('identity accounts: registration, documents, confirmation');
  registerRegister(account);
  registerDocuments(account);
  registerConfirm(account);
  registerShowAndList(account);
  registerStatusChanges(account);
  registerConsent(account);
  registerAccountExport(account);
}

function registerRegister(account: Command): void {
  withCommon(account.command('register'))
    .description('register a person (level simplified); needs their consent')
    .requiredOption('--name <full name>', 'two or three words, Cyrillic or Latin')
    .requiredOption('--phone <number>', 'Russian mobile number')
    .option('--consent', 'the person consents to the processing of personal data')
    .option('--birth-date <DD.MM.YYYY>', 'birth date')
    .option('--email <address>', 'contact e-mail (for codes by e-mail)')
    .action(act((_args, s) => register(s)));
}

/** `account register`: the person as the options give them. */
function register(s: CliSession): Result {
  const o = s.opts as { name: string; phone: string; consent?: boolean; birthDate?: string; email?: string };
  return viewResult(registerAccount(s.ctx(), { name: o.name, phone: o.phone, consent: Boolean(o.consent), birthDate: o.birthDate, email: o.email }));
}

function registerDocuments(account: Command): void {
  accountIdCommand(account, 'documents')
    .description('add or change identity documents (valid SNILS and passport → level standard)')
    .option('--snils <snils>', 'SNILS, XXX-XXX-XXX YY (spaces/hyphens optional)')
    .option('--passport <series number>', 'passport series (4 digits) and number (6 digits)')
    .option('--passport-issued <DD.MM.YYYY>', 'passport issue date')
    .option('--passport-division <XXX-XXX>', 'passport division code')
    .option('--inn <inn>', 'INN, 10 or 12 digits')
    .option('--birth-date <DD.MM.YYYY>', 'birth date')
    .action(act(([id], s) => documents(parseAccountId(id!), s)));
}

/** `account documents ID`: the documents the options give. */
function documents(id: number, s: CliSession): Result {
  const o = s.opts as Record<string, string | undefined>;
  return viewResult(setDocuments(s.ctx(), id, {
    snils: o.snils, passport: o.passport, passportIssued: o.passportIssued, passportDivision: o.passportDivision,
    inn: o.inn, birthDate: o.birthDate,
  }));
}

function registerConfirm(account: Command): void {
  accountIdCommand(account, 'confirm')
    .description('confirm an identity: --method code (sends a code), --code N, --method in-person, --method certificate --cert FILE')
    .option('--method <method>', 'code | in-person | certificate')
    .option('--code <code>', 'the 6-digit code the person received')
    .option('--document <text>', 'in person: the document seen (default: the passport on file)')
    .option('--cert <file>', 'certificate: PEM file (the certificate, then any intermediate CA certificates)')
    .action(act(([id], s) => confirm(parseAccountId(id!), s)));
}

/** `account confirm ID`: verify a code, or confirm by the method named. */
async function confirm(id: number, s: CliSession): Promise<Result> {
  const o = s.opts as { method?: string; code?: string; document?: string; cert?: string };
  const ctx = s.ctx();
  if (o.code !== undefined) {
    if (o.method && o.method !== 'code') throw invalid('method', '--code goes with --method code (or alone)');
    return viewResult(await verifyCode(ctx, id, o.code));
  }
  switch (o.method) {
    case 'code': {
      const sent = await requestCode(ctx, id);
      return {
        json: { ...sent, status: 'code_sent' },
        text: `code sent to account ${id} via ${sent.sentVia}; valid until ${sent.expiresAt}; confirm with --code NNNNNN`,
      };
    }
    case 'in-person':
      return viewResult(await confirmInPerson(ctx, id, s.operatorName, o.document));
    case 'certificate':
      return viewResult(await confirmCertificate(ctx, id, readCertificate(o.cert)));
    default:
      throw invalid('method', 'must be code, in-person or certificate (or give --code)');
  }
}

function readCertificate(file: string | undefined): string {
  if (!file) throw invalid('cert', '--method certificate needs --cert FILE.pem');
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw invalid('cert', `cannot read ${file}: ${(e as Error).message}`);
  }
}

function registerShowAndList(account: Command): void {
  accountIdCommand(account, 'show')
    .description('show an account')
    .action(act(([id], s) => viewResult(showAccount(s.db, parseAccountId(id!)))));

  withCommon(account.command('list'))
    .description('list accounts')
    .option('--status <status>', 'active | blocked | deleted')
    .option('--level <level>', 'simplified | standard | confirmed')
    .option('--limit <n>', 'at most n accounts', '1000')
    .action(act((_a, s) => {
      const o = s.opts as { status?: string; level?: string; limit: string };
      if (o.status && !STATUSES.includes(o.status)) throw invalid('status', `must be one of ${STATUSES.join(', ')}`);
      if (o.level && !LEVELS.includes(o.level)) throw invalid('level', `must be one of ${LEVELS.join(', ')}`);
      const accounts = listAccountViews(s.db, {
        status: o.status as AccountStatus | undefined, level: o.level as AccountLevel | undefined, limit: positiveInt(o.limit, 'limit'),
      });
      return {
        json: { accounts },
        text: accounts.map((a) => `${String(a.id).padStart(6)}  ${a.level.padEnd(10)} ${a.status.padEnd(8)} ${a.fullName}  ${a.phone}  ${a.mailboxes.join(',')}`),
      };
    }));
}

/** block, unblock, delete: each with an optional --reason for the journal. */
function registerStatusChanges(account: Command): void {
  const withReason = (name: string, description: string) =>
    accountIdCommand(account, name)
      .description(description)
      .option('--reason <text>', 'reason for the journal');
  const reason = (s: CliSession) => s.opts.reason as string | undefined;

  withReason('block', 'block an account: its mailboxes stop working at once')
    .action(act(([id], s) => viewResult(blockAccount(s.ctx(), parseAccountId(id!), reason(s)))));

  withReason('unblock', 'unblock an account')
    .action(act(([id], s) => viewResult(unblockAccount(s.ctx(), parseAccountId(id!), reason(s)))));

  withReason('delete', 'delete an account: its mailboxes are deleted, their addresses retired, documents erased')
    .action(act(([id], s) => {
      const { removedMailboxes, ...view } = deleteAccount(s.ctx(), parseAccountId(id!), reason(s));
      return viewResult(view, { removedMailboxes });
    }));
}

function registerConsent(account: Command): void {
  const consent = account.command('consent').description('consent to the processing of personal data');
  accountIdCommand(consent, 'revoke')
    .description('record that the person revoked consent: their mailboxes stop working at once')
    .action(act(([id], s) => viewResult(revokeConsent(s.ctx(), parseAccountId(id!)))));
  accountIdCommand(consent, 'grant')
    .description('record a new consent (current text version) after a revocation')
    .action(act(([id], s) => viewResult(grantConsent(s.ctx(), parseAccountId(id!)))));
}
