/**
 * Bounces coming back to an SRS address (delivery/srs.ts): a delivery report
 * for a forwarded message is addressed to `SRS0=…@<served domain>`. When the
 * hash holds and the address is recent (`forwarding.srsMaxDays`), and the
 * message has the null sender as every bounce does (RFC 5321 §4.5.5), it is
 * sent on to the original sender through the outbound queue, again with the
 * null sender. Anything else to such an address is an unknown recipient, so
 * the scheme opens no relay.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import { serverSecret } from '../store/filters.js';
import { enqueueOutbound } from '../store/outbound.js';
import { parseMessage } from '../mime/parse.js';
import { srsReverse } from './srs.js';
import type { DeliveryContext } from './route.js';

/** The original sender a bounce to `rcpt` goes back to, or null when `rcpt` is no valid SRS address for it. */
export function srsReturnTarget(o: { db: Db; cfg: Config; rcpt: string; mailFrom: string }): string | null {
  if (o.mailFrom !== '' || !o.cfg.outbound.enabled || !/^srs0[=+-]/i.test(o.rcpt)) return null;
  const secret = serverSecret(o.db, 'srs');
  if (!secret) return null;
  const orig = srsReverse({ secret, address: o.rcpt, now: Date.now(), maxDays: o.cfg.forwarding.srsMaxDays });
  if (!orig || new Set(o.cfg.domains).has(orig.slice(orig.lastIndexOf('@') + 1).toLowerCase())) return null;
  return orig;
}

/** Queue the bounce for the original senders (null envelope sender); resolves after COMMIT. */
export async function returnBounce(ctx: DeliveryContext, o: { raw: Buffer; to: string[] }): Promise<void> {
  const queueId = randomBytes(6).toString('hex').toUpperCase();
  await ctx.writer.deliver({
    raw: o.raw,
    parsed: parseMessage(o.raw),
    targets: [],
    extraRefs: o.to.length,
    extra: (db, blobId) => enqueueOutbound(db, { queueId, mailboxId: null, sender: '', recipients: o.to, blobId, at: Date.now() }),
  });
  ctx.outbound?.kick();
}
