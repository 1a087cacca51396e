/**
 * Mailbox address rules: `local@domain`, the domain one this server serves, the
 * local part 3–64 characters of a-z 0-9 . - _, starting with a letter, ending
 * with a letter or digit, no two separators in a row; case-insensitive (stored
 * lower-case); reserved role names refused, also when spelled with separators or
 * digits added (post.master, postmaster1, no.reply, mailer.daemon): names are
 * compared with dots, dashes, underscores and digits removed.
 */
import type { Config } from '../config/load.js';
import { refuse } from './validators.js';

export const RESERVED_LOCAL_PARTS: ReadonlySet<string> = new Set([
  'postmaster', 'abuse', 'admin', 'administrator', 'root', 'hostmaster', 'webmaster', 'noreply', 'no-reply',
  'no_reply', 'mailer-daemon', 'mailerdaemon', 'support', 'security', 'info', 'operator', 'system', 'sysadmin',
  'daemon', 'nobody', 'list', 'lists', 'listmaster', 'bounce', 'bounces', 'help', 'helpdesk', 'ssl-admin',
  'ftp', 'www', 'usenet', 'news', 'uucp', 'mail', 'gospochta', 'gosuslugi', 'government', 'official', 'notify',
  'notifications', 'robot', 'test', 'dmarc', 'dkim', 'spf', 'autoconfig', 'autodiscover',
]);

/** A local part with separators and digits removed: the form reserved names are compared in. */
function folded(l: string): string {
  return l.replace(/[._\-0-9]/g, '');
}

const RESERVED_FOLDED: ReadonlySet<string> = new Set([...RESERVED_LOCAL_PARTS].map(folded));

export interface MailboxAddress {
  address: string;
  local: string;
  domain: string;
}

export function validateLocalPart(input: string, field = 'address'): string {
  const l = input.toLowerCase();
  if (l.length < 3 || l.length > 64) throw refuse(field, 'length', 'local part must be 3 to 64 characters');
  if (!/^[a-z0-9._-]+$/.test(l)) throw refuse(field, 'characters', 'local part may contain only a-z, 0-9, ".", "-" and "_"');
  if (!/^[a-z]/.test(l)) throw refuse(field, 'start', 'local part must start with a letter');
  if (!/[a-z0-9]$/.test(l)) throw refuse(field, 'end', 'local part must end with a letter or a digit');
  if (/[._-]{2}/.test(l)) throw refuse(field, 'separators', 'local part must not have two separators (. - _) in a row');
  if (RESERVED_LOCAL_PARTS.has(l) || RESERVED_FOLDED.has(folded(l))) throw refuse(field, 'reserved', `"${l}" is a reserved name`);
  return l;
}

export function parseMailboxAddress(cfg: Pick<Config, 'domains'>, input: string, field = 'address'): MailboxAddress {
  const s = input.trim();
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1 || s.indexOf('@') !== at) throw refuse(field, 'format', 'must be local@domain');
  const domain = s.slice(at + 1).toLowerCase();
  if (!cfg.domains.includes(domain)) {
    throw refuse(field, 'domain', `domain ${domain} is not served here (served: ${cfg.domains.join(', ')})`);
  }
  const local = validateLocalPart(s.slice(0, at), field);
  return { address: `${local}@${domain}`, local, domain };
}
