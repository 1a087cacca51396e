/**
 * The delivery step every local delivery path calls (submission on 465 and 587,
 * MX on 25): forwarding and Sieve filters per recipient (route.ts), then one
 * group-committed transaction for the original (in the folders that keep it),
 * every forwarded copy, reply and notice, and the caller's own rows.
 *
 * reject/ereject (RFC 5429 §2.1–§2.2): when every recipient's filter refuses the
 * message and nothing else would be stored, the refusal is the SMTP reply (550
 * 5.7.1 with the script's reason, nothing stored); otherwise the other
 * recipients get it and the sender is told in a notice message (never to the
 * null sender).
 */
import type { DeliveryRequest, DeliveryTarget } from '../store/deliver.js';
import type { ParsedMessage } from '../mime/types.js';
import type { Db } from '../store/db.js';
import type { LocalRecipient } from '../identity/recipients.js';
import { route, sendGenerated, type DeliveryContext, type Work } from './route.js';
import { rejectNotice } from './replies.js';

export type { DeliveryContext };

export interface LocalDelivery {
  raw: Buffer;
  parsed: ParsedMessage;
  /** MAIL FROM; '' for the null sender. */
  mailFrom: string;
  /** Each local recipient with the folder a plain keep files into. */
  recipients: Array<{ recipient: LocalRecipient; folderId: number }>;
  /** The caller's references to the original beyond folders (queue rows of remote recipients). */
  extraRefs?: number;
  /** The caller's rows in the same transaction. */
  extra?: (db: Db, blobId: number) => void;
}

export type LocalDeliveryResult = { ok: true } | { ok: false; rejected: string };

export async function deliverLocal(ctx: DeliveryContext, d: LocalDelivery): Promise<LocalDeliveryResult> {
  const w: Work = { also: [], rejects: [], queued: false };
  const targets: DeliveryTarget[] = [];
  for (const r of d.recipients) {
    targets.push(...(await route(ctx, w, { raw: d.raw, parsed: d.parsed, mailFrom: d.mailFrom, recipient: r.recipient, folderId: r.folderId, depth: 0 })));
  }
  const direct = w.rejects.filter((r) => r.depth === 0);
  if (d.recipients.length > 0 && direct.length === d.recipients.length && !targets.length && !w.also.length && !d.extraRefs) {
    return { ok: false, rejected: direct[0]!.reason };
  }
  const now = Date.now();
  for (const r of w.rejects) {
    if (!d.mailFrom) continue;
    const raw = rejectNotice({ hostname: ctx.cfg.hostname, postmaster: `postmaster@${ctx.cfg.domains[0]}`, to: d.mailFrom, recipient: r.recipient, reason: r.reason, msg: r.msg, now });
    sendGenerated(ctx, w, { raw, to: d.mailFrom, mailboxId: null });
  }
  const req: DeliveryRequest = { raw: d.raw, parsed: d.parsed, targets, extraRefs: d.extraRefs ?? 0, also: w.also, ...(d.extra ? { extra: d.extra } : {}) };
  if (targets.length || w.also.length || d.extraRefs || d.extra) await ctx.writer.deliver(req);
  if (w.queued) ctx.outbound?.kick();
  return { ok: true };
}
