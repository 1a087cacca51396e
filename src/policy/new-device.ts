/**
 * New-device notices: the first successful login of a mailbox from a device not
 * seen on it within the retention period — same client name (IMAP ID name, SMTP
 * EHLO name) and same network (/24 for IPv4, /64 for IPv6) — puts a notice into
 * its INBOX from postmaster@<primary domain>: when (Moscow time and UTC), from
 * where, with what, over which protocol, and what to do if it was not them.
 */
import { networkOf } from '../shared/network.js';
import type { Db } from '../store/db.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../shared/logger.js';
import type { Writer } from '../store/deliver.js';
import type { LoginInfo } from '../identity/auth.js';
import { getFolder } from '../store/folders.js';
import { parseMessage } from '../mime/parse.js';
import { serviceMessage } from './service-message.js';
import { DAY_MS } from '../shared/time.js';
import { earlierLoginPlaces } from '../store/logins.js';

export const NOTICE_SUBJECT = 'Вход в почтовый ящик с нового устройства';

/** The /24 (IPv4) or /64 (IPv6) network of an address (shared/network.ts). */
export { networkOf };

function moscowTime(at: number): string {
  return new Intl.DateTimeFormat('ru-RU', { timeZone: 'Europe/Moscow', dateStyle: 'long', timeStyle: 'medium' }).format(new Date(at));
}

export function noticeMessage(cfg: Config, login: LoginInfo): Buffer {
  const client = login.client ?? 'не указано';
  return serviceMessage(cfg, {
    to: login.address,
    subject: NOTICE_SUBJECT,
    at: login.at,
    messageId: `login-${login.loginId}.${login.at}`,
    lines: [
      'Здравствуйте!',
      '',
      `В ваш почтовый ящик ${login.address} выполнен вход с устройства, которое раньше не использовалось.`,
      '',
      `Время (Москва): ${moscowTime(login.at)}`,
      `Время (UTC):    ${new Date(login.at).toISOString().replace('T', ' ').slice(0, 19)}`,
      `Адрес:          ${login.remote}`,
      `Программа:      ${client}`,
      `Протокол:       ${login.protocol.toUpperCase()}`,
      '',
      'Если это были вы, ничего делать не нужно.',
      'Если это были не вы, немедленно смените пароль и сообщите оператору сервиса:',
    ],
  });
}

/** The onLoginSuccess hook for the authenticator. */
export function createNewDeviceNotifier(o: { db: Db; cfg: Config; writer: Writer; log?: Logger }): (login: LoginInfo) => Promise<void> {
  return async (login) => {
    if (!o.cfg.notices.newDevice) return;
    const since = login.at - o.cfg.retention.days * DAY_MS;
    const earlier = earlierLoginPlaces(o.db, { mailboxId: login.mailboxId, beforeId: login.loginId, since });
    const net = networkOf(login.remote);
    const known = earlier.some((r) => (r.client ?? null) === (login.client ?? null) && r.remote !== null && networkOf(r.remote) === net);
    if (known) return;
    const inbox = getFolder(o.db, login.mailboxId, 'INBOX');
    if (!inbox) return;
    const raw = noticeMessage(o.cfg, login);
    await o.writer.deliver({ raw, parsed: parseMessage(raw), targets: [{ folderId: inbox.id }], quotaExempt: true });
    o.log?.info({ address: login.address, remote: login.remote, client: login.client }, 'new-device notice delivered');
  };
}
