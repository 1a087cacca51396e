/**
 * `gospochta account export ID` — everything held about the person and every
 * record of its processing (152-FZ art. 14), as one JSON object on stdout:
 * the account's fields, consents, confirmations, mailboxes, the login journal,
 * the audit rows about them, and when the data is due for destruction.
 * Always JSON (the `--json` flag is accepted for symmetry).
 */
import type { Command } from 'commander';
import { act, withCommon } from './output.js';
import { parseAccountId } from '../identity/accounts.js';
import { exportPersonalData } from '../identity/personal-data.js';

export function registerAccountExport(account: Command): void {
  withCommon(account.command('export').argument('<id>', 'account id'))
    .description('print all personal data held about the person and every processing record, as JSON (152-FZ)')
    .action(
      act(([id], s) => {
        const data = exportPersonalData(s.ctx(), parseAccountId(id!));
        return { json: data, text: JSON.stringify(data, null, 2) };
      }),
    );
}
