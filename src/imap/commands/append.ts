/**
 * APPEND — RFC 3501 §6.3.11: `APPEND mailbox [(flags)] ["date-time"] literal`.
 * The literal arrives as Buffer chunks (the framer enforces the APPENDLIMIT of
 * RFC 7889 for the literal itself); the message is parsed once and stored through
 * the group-committing writer (the same ingest path as SMTP delivery), so OK is
 * sent only after commit, with `[APPENDUID uidvalidity uid]` (RFC 4315 §3).
 * Refusals: a missing folder → `NO [TRYCREATE]`; over the size limit or over the
 * attachment rule (25 MiB decoded) → `NO [TOOBIG]`; too many large literals in
 * flight → `NO [LIMIT]` from the framer before any byte is taken. A large message
 * waits in the spool (literal-spool.ts) and is read back into memory only under the
 * server's append-memory bound. stored_at is now (the
 * retention clock); INTERNALDATE is the given date-time, shown in its own zone, or
 * now. Bare LF line ends become CRLF (mime/line-ends.ts), as Dovecot does.
 */
import type { CommandContext, CommandModule, CommandResult } from './types.js';
import { literalBuffer } from '../protocol/tokens.js';
import { args, mailboxArg } from './helpers.js';
import { parseAppendArgs, type AppendArgs } from '../protocol/flags-arg.js';
import { getFolder, isNoselect } from '../../store/folders.js';
import { parseFlags, joinKeywords } from '../../store/flags.js';
import { parseMessage } from '../../mime/parse.js';
import { toCrlf } from '../../mime/line-ends.js';
import { GpError } from '../../shared/errors.js';
import { attachmentRefusal } from '../../policy/attachments.js';
import { metrics, METRIC } from '../../shared/metrics.js';

export const appendCommand: CommandModule = {
  name: 'APPEND',
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const mailboxId = ctx.session.mailboxId!;
    const a = args(ctx);
    const name = mailboxArg(a);
    const ap = parseAppendArgs(ctx.args.slice(1));
    const db = ctx.services.db;
    const folder = getFolder(db, mailboxId, name);
    if (!folder) throw new GpError('TRYCREATE', `Folder "${name}" does not exist`);
    if (isNoselect(folder)) throw new GpError('CANNOT', `"${name}" is not a folder that holds messages`);
    const lit = ap.message;
    if (lit.size > ctx.services.maxLiteralBytes) {
      return { status: 'NO', code: 'TOOBIG', text: `Message of ${lit.size} bytes is over the limit of ${ctx.services.maxLiteralBytes} bytes` };
    }
    if (lit.size === 0) return { status: 'NO', code: 'CANNOT', text: 'Empty message' };
    // the message is read back into memory (from the spool) only when its turn comes
    const done = await ctx.services.appendMemory.acquire(lit.size);
    try {
      return await store(ctx, folder.id, ap, toCrlf(literalBuffer(lit)));
    } finally {
      done();
    }
  },
};

async function store(ctx: CommandContext, folderId: number, ap: AppendArgs, raw: Buffer): Promise<CommandResult> {
  const parsed = parseMessage(raw);
  const refusal = attachmentRefusal(ctx.services.config, parsed.attachmentBytes);
  if (refusal) {
    metrics.inc(METRIC.messagesRefused, { path: 'imap_append', reason: 'attachment_limit' });
    return { status: 'NO', code: 'TOOBIG', text: `Message refused: ${refusal}` };
  }
  const pf = parseFlags(ap.flags);
  const now = Date.now();
  const res = await ctx.services.writer.deliver({
    raw,
    parsed,
    storedAt: now,
    targets: [{ folderId, flags: pf.mask, keywords: joinKeywords(pf.keywords), internalDate: ap.date ?? now, internalZone: ap.zone ?? 0 }],
  });
  metrics.inc(METRIC.messagesAccepted, { path: 'imap_append' });
  const t = res.targets[0]!;
  if (ctx.session.selected?.folderId === folderId) await ctx.session.reportExists([t.uid]);
  return { status: 'OK', code: `APPENDUID ${t.uidvalidity} ${t.uid}`, text: 'APPEND completed' };
}
