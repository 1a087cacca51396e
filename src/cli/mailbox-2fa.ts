/**
 * `gospochta mailbox 2fa on|off ADDRESS [--code N]` and
 * `gospochta mailbox app-password add|list|revoke …`: two-factor protection for
 * mail clients (identity/two-factor.ts) and the app passwords they log in with
 * (identity/app-passwords.ts). Registered from the `mailbox` group.
 */
import type { Command } from 'commander';
import { invalid } from '../shared/errors.js';
import { disableTwoFactor, enableTwoFactor, requestTwoFactorCode } from '../identity/two-factor.js';
import { addAppPassword, listAppPasswords, revokeAppPassword } from '../identity/app-passwords.js';
import { act, kv, withCommon } from './output.js';

function registerTwoFactor(mailbox: Command): void {
  withCommon(mailbox.command('2fa').argument('<state>', 'on | off').argument('<address>', 'mailbox address'))
    .description('two-factor protection: mail clients then log in with app passwords only (on: sends a code to the phone; --code completes)')
    .option('--code <digits>', 'the 6-digit code the person received')
    .action(act(async ([which, address], s) => {
      const code = s.opts.code as string | undefined;
      if (which === 'off') {
        if (code !== undefined) throw invalid('code', 'turning protection off takes no code');
        const r = await disableTwoFactor(s.ctx(), address!);
        return { json: r, text: `two-factor protection of ${r.address} is off; the mailbox password logs in again (${r.appPasswords} app passwords still valid)` };
      }
      if (which !== 'on') throw invalid('state', 'must be on or off');
      if (code === undefined) {
        const r = await requestTwoFactorCode(s.ctx(), address!);
        return {
          json: { ...r, codeSent: true },
          text: [`code sent via ${r.sentVia}; valid until ${r.expiresAt}, ${r.attemptsAllowed} tries`, `complete with: gospochta mailbox 2fa on ${r.address} --code N`],
        };
      }
      const r = await enableTwoFactor(s.ctx(), address!, code);
      return {
        json: r,
        text: [`two-factor protection of ${r.address} is on: IMAP, POP3 and SMTP accept app passwords only`, ...(r.appPasswords ? [] : [`add one with: gospochta mailbox app-password add ${r.address} --name NAME`])],
      };
    }));
}

function registerAppPasswords(mailbox: Command): void {
  const group = mailbox.command('app-password').description('app passwords: what mail clients log in with under two-factor protection');

  withCommon(group.command('add').argument('<address>', 'mailbox address'))
    .description('create a random app password, shown once')
    .requiredOption('--name <name>', 'what it is for, e.g. "Thunderbird at home"')
    .action(act(async ([address], s) => {
      const r = await addAppPassword(s.ctx(), address!, String(s.opts.name));
      return {
        json: { address: r.address, name: r.name, password: r.password, createdAt: r.createdAt },
        text: [`app password "${r.name}" for ${r.address} (shown once; give it to the mail client in place of the mailbox password):`, r.password],
      };
    }));

  withCommon(group.command('list').argument('<address>', 'mailbox address'))
    .description('app passwords with created and last-used time and network')
    .action(act(([address], s) => {
      const r = listAppPasswords(s, address!);
      return {
        json: r,
        text: [
          ...kv([['address', r.address], ['two-factor', r.twoFactor ? 'on' : 'off']]),
          ...(r.appPasswords.length ? [] : ['no app passwords']),
          ...r.appPasswords.map((p) => `  ${p.name.padEnd(28)} created ${p.createdAt}  last used ${p.lastUsedAt ? `${p.lastUsedAt} ${p.lastUsedProtocol} from ${p.lastUsedNetwork}` : 'never'}`),
        ],
      };
    }));

  withCommon(group.command('revoke').argument('<address>', 'mailbox address').argument('<name>', 'the app password’s name'))
    .description('revoke one app password; the clients logged in with it are disconnected within seconds')
    .action(act(([address, name], s) => {
      const r = revokeAppPassword(s.ctx(), address!, name!);
      return { json: r, text: `app password "${r.name}" of ${r.address} revoked` };
    }));
}

export function registerTwoFactorCommands(mailbox: Command): void {
  registerTwoFactor(mailbox);
  registerAppPasswords(mailbox);
}
