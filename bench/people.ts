/**
 * The benchmarks' people: one confirmed account (register → documents → in
 * person) owning `n` mailboxes `<prefix><i>x@example.org`, password PASSWORD.
 */
import type { IdentityContext } from '../src/identity/context.js';
import { registerAccount, setDocuments } from '../src/identity/accounts.js';
import { confirmInPerson } from '../src/identity/confirm.js';
import { createMailbox } from '../src/identity/mailboxes.js';
import { PASSWORD } from './smtp-clients.js';

export async function confirmedAccount(ctx: IdentityContext): Promise<number> {
  const acc = registerAccount(ctx, { name: 'Иванов Иван Иванович', phone: '+79123456789', consent: true });
  setDocuments(ctx, acc.id, { snils: '112-233-445 95', passport: '4510 123456', passportIssued: '01.02.2015', passportDivision: '770-001' });
  await confirmInPerson(ctx, acc.id, 'bench', 'passport');
  return acc.id;
}

export async function mailboxes(ctx: IdentityContext, accountId: number, prefix: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await createMailbox(ctx, accountId, `${prefix}${i}x@example.org`, PASSWORD)).address);
  return out;
}
