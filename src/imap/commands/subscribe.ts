/** SUBSCRIBE / UNSUBSCRIBE — RFC 3501 §6.3.6, §6.3.7: the folder's subscribed mark (existing folders only). */
import { mailboxCommand, ok } from './helpers.js';
import { setSubscribed } from '../../store/folders.js';

function subscription(name: 'SUBSCRIBE' | 'UNSUBSCRIBE', on: boolean) {
  return mailboxCommand({
    name,
    async run(ctx, { mailboxId, names: [folder] }) {
      setSubscribed(ctx.services.db, mailboxId, folder, on);
      return ok(`${ctx.name} completed`);
    },
  });
}

export const subscribeCommand = subscription('SUBSCRIBE', true);
export const unsubscribeCommand = subscription('UNSUBSCRIBE', false);
