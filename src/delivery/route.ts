/**
 * Where one local recipient's copy goes: the mailbox's forwarding first (its
 * targets get a copy marked with Delivered-To:, RFC 5321 §6.3; local targets are
 * routed the same way in turn, outside ones queued with an SRS envelope sender;
 * the copy stays here too with `--keep`), then the active Sieve script (RFC 5228)
 * on the copy that stays: keep and fileinto with imap4flags flags, redirect
 * through the same forwarding rules, reject/ereject, vacation. A loop or a
 * forward that cannot go leaves the message here: nothing is lost. Forwarded
 * copies count toward no daily limit.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import type { Writer, DeliveryRequest, DeliveryTarget } from '../store/deliver.js';
import type { Logger } from '../shared/logger.js';
import type { ParsedMessage } from '../mime/types.js';
import type { SieveMessage, VacationAction } from '../sieve/interpret.js';
import { parseMessage } from '../mime/parse.js';
import { lookupRecipient, type LocalRecipient } from '../identity/recipients.js';
import { getForward, activeScript, lastVacationReply, recordVacationReply, serverSecret } from '../store/filters.js';
import { enqueueOutbound } from '../store/outbound.js';
import { audit } from '../store/audit.js';
import { createFolder, getFolder, normalizeFolderName } from '../store/folders.js';
import { joinKeywords, parseFlags } from '../store/flags.js';
import { compileScript, type Compiled } from '../sieve/script.js';
import { runScript } from '../sieve/interpret.js';
import { loopReason, traceFacts, withDeliveredTo } from './loop.js';
import { srsForward } from './srs.js';
import { sieveView } from './sieve-view.js';
import { vacationRefusal, vacationReply } from './replies.js';

export interface DeliveryContext {
  cfg: Config;
  db: Db;
  writer: Writer;
  log: Logger;
  /** The outbound queue's runner, woken when a forwarded copy or a reply was queued. */
  outbound?: { kick(): void };
}

/** What routing the recipients of one message collects. */
export interface Work {
  /** Further messages stored with the original in one transaction. */
  also: DeliveryRequest[];
  rejects: Array<{ recipient: string; reason: string; msg: SieveMessage; depth: number }>;
  queued: boolean;
}

export interface Copy {
  raw: Buffer;
  parsed: ParsedMessage;
  mailFrom: string;
  recipient: LocalRecipient;
  /** Where a plain keep files it (INBOX, or Junk for a quarantine verdict). */
  folderId: number;
  depth: number;
}

const scripts = new Map<string, Compiled[]>();

function compiled(content: string): Compiled[] {
  let c = scripts.get(content);
  if (!c) {
    c = compileScript(content);
    if (scripts.size >= 200) scripts.delete(scripts.keys().next().value!);
    scripts.set(content, c);
  }
  return c;
}

const queueId = (): string => randomBytes(6).toString('hex').toUpperCase();
const ATOM = /^[^\s(){%*"\\\]\x00-\x1f\x7f]+$/;

/** A message this server writes (vacation reply, reject notice) to `to`: local ones filed in the INBOX, others queued. */
export function sendGenerated(ctx: DeliveryContext, w: Work, o: { raw: Buffer; to: string; mailboxId: number | null; extra?: (db: Db) => void }): boolean {
  const parsed = parseMessage(o.raw);
  const found = lookupRecipient(ctx.db, new Set(ctx.cfg.domains), o.to);
  if (found.kind === 'local') {
    w.also.push({ raw: o.raw, parsed, targets: [{ folderId: found.recipient.inboxId }], extra: (db) => o.extra?.(db) });
    return true;
  }
  if (found.kind === 'unknown' || !ctx.cfg.outbound.enabled) return false;
  // RFC 3834 §3.3: an automatic reply goes with the null envelope sender.
  w.also.push({
    raw: o.raw,
    parsed,
    targets: [],
    extraRefs: 1,
    extra: (db, blobId) => {
      enqueueOutbound(db, { queueId: queueId(), mailboxId: o.mailboxId, sender: '', recipients: [o.to], blobId, at: Date.now() });
      o.extra?.(db);
    },
  });
  w.queued = true;
  return true;
}

/** Forward `m` from its recipient to `addresses`; false when it could not go (the caller keeps it). */
async function forward(ctx: DeliveryContext, w: Work, m: Copy, addresses: string[]): Promise<boolean> {
  const { cfg, db, log } = ctx;
  const me = m.recipient.address;
  const loop = loopReason(traceFacts(m.raw), me, cfg.forwarding.maxHops);
  if (loop || m.depth >= cfg.forwarding.maxHops) {
    log.warn({ mailbox: me, to: addresses, reason: loop }, 'forwarding stopped: a mail loop (RFC 5321 §6.3); the message stays in the mailbox');
    audit(db, { actor: 'system', subject: `mailbox:${me}`, action: 'forward.loop', mailboxId: m.recipient.mailboxId, details: { to: addresses, reason: loop ?? 'too deep' } });
    return false;
  }
  const raw = withDeliveredTo(m.raw, me);
  const parsed = parseMessage(raw);
  const served = new Set(cfg.domains);
  const targets: DeliveryTarget[] = [];
  const remote: string[] = [];
  // A local target that forwards on (without a copy) has taken the message all the same.
  let taken = 0;
  for (const a of addresses) {
    const found = lookupRecipient(db, served, a);
    if (found.kind === 'local') {
      taken++;
      targets.push(...(await route(ctx, w, { raw, parsed, mailFrom: m.mailFrom, recipient: found.recipient, folderId: found.recipient.inboxId, depth: m.depth + 1 })));
    } else if (found.kind === 'other-domain' && cfg.outbound.enabled) remote.push(a.toLowerCase());
    else log.warn({ mailbox: me, to: a }, found.kind === 'unknown' ? 'forward target has no mailbox here; skipped' : 'forward target is in another domain and mail to other domains is off; skipped');
  }
  if (!taken && !remote.length) return false;
  const sender = srsForward({ secret: serverSecret(db, 'srs') ?? Buffer.alloc(32), sender: m.mailFrom, domain: me.slice(me.lastIndexOf('@') + 1), served, now: Date.now() });
  if (!targets.length && !remote.length) return true;
  w.also.push({
    raw,
    parsed,
    targets,
    extraRefs: remote.length,
    ...(remote.length ? { extra: (d: Db, blobId: number) => enqueueOutbound(d, { queueId: queueId(), mailboxId: m.recipient.mailboxId, sender, recipients: remote, blobId, at: Date.now() }) } : {}),
  });
  if (remote.length) w.queued = true;
  log.info({ mailbox: me, local: targets.length, remote: remote.length }, 'message forwarded');
  return true;
}

/** The folder targets of `m` in its recipient's mailbox (the copies that stay there). */
export async function route(ctx: DeliveryContext, w: Work, m: Copy): Promise<DeliveryTarget[]> {
  const fw = getForward(ctx.db, m.recipient.mailboxId);
  if (fw && (await forward(ctx, w, m, fw.targets)) && !fw.keep) return [];
  const script = activeScript(ctx.db, m.recipient.mailboxId);
  if (!script) return [{ folderId: m.folderId }];
  return filter(ctx, w, m, script.content);
}

function folderNamed(db: Db, mailboxId: number, name: string): number | undefined {
  try {
    return getFolder(db, mailboxId, normalizeFolderName(name))?.id;
  } catch {
    return undefined;
  }
}

async function filter(ctx: DeliveryContext, w: Work, m: Copy, content: string): Promise<DeliveryTarget[]> {
  const { cfg, db, log } = ctx;
  const mb = m.recipient.mailboxId;
  const msg = sieveView({ raw: m.raw, parsed: m.parsed, mailFrom: m.mailFrom, recipient: m.recipient.address, folderExists: (n) => folderNamed(db, mb, n) !== undefined });
  let outcome;
  try {
    outcome = runScript(compiled(content), msg, cfg.sieve);
  } catch (e) {
    // A stored script that no longer compiles (RFC 5228 §2.10.6): the implicit keep.
    log.warn({ mailbox: m.recipient.address, err: e }, 'sieve: the active script cannot run; message kept');
    return [{ folderId: m.folderId }];
  }
  if (outcome.error) log.warn({ mailbox: m.recipient.address, error: outcome.error }, 'sieve: run-time error; message kept (RFC 5228 §2.10.6)');
  const targets = new Map<number, DeliveryTarget>();
  const file = (folderId: number, flags: string[]): void => {
    const p = parseFlags(flags.filter((f) => f.startsWith('\\') || ATOM.test(f)));
    if (!targets.has(folderId)) targets.set(folderId, { folderId, flags: p.mask, keywords: joinKeywords(p.keywords) });
  };
  for (const a of outcome.actions) {
    if (a.type === 'keep') file(m.folderId, a.flags);
    else if (a.type === 'fileinto') {
      let id = folderNamed(db, mb, a.folder);
      if (id === undefined && a.create) id = await createNamed(ctx, mb, a.folder);
      if (id === undefined) log.warn({ mailbox: m.recipient.address, folder: a.folder }, 'sieve: fileinto a folder that does not exist; kept in the INBOX');
      file(id ?? m.folderId, a.flags);
    } else if (a.type === 'redirect') {
      if (!(await forward(ctx, w, m, [a.address]))) file(m.folderId, []);
    } else if (a.type === 'reject') w.rejects.push({ recipient: m.recipient.address, reason: a.reason, msg, depth: m.depth });
    else if (a.type === 'vacation') vacation(ctx, w, m, msg, a);
  }
  return [...targets.values()];
}

async function createNamed(ctx: DeliveryContext, mailboxId: number, name: string): Promise<number | undefined> {
  try {
    return await ctx.writer.run((db) => ({ value: createFolder(db, mailboxId, name).id }));
  } catch {
    return folderNamed(ctx.db, mailboxId, name);
  }
}

function vacation(ctx: DeliveryContext, w: Work, m: Copy, msg: SieveMessage, a: VacationAction): void {
  const me = m.recipient.address;
  const why = vacationRefusal({ msg, mailFrom: m.mailFrom, me, action: a });
  const sender = m.mailFrom.toLowerCase();
  const key = { mailboxId: m.recipient.mailboxId, sender, handle: a.handle };
  const last = why ? undefined : lastVacationReply(ctx.db, key);
  const now = Date.now();
  if (why || (last !== undefined && now - last < a.days * 86_400_000)) {
    ctx.log.info({ mailbox: me, to: sender, reason: why ?? 'already answered within the period' }, 'vacation: no reply');
    return;
  }
  const raw = vacationReply({ hostname: ctx.cfg.hostname, me, to: m.mailFrom, action: a, msg, now });
  sendGenerated(ctx, w, { raw, to: m.mailFrom, mailboxId: m.recipient.mailboxId, extra: (db) => recordVacationReply(db, { ...key, at: now }) });
}
