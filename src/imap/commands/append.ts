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
 *
 * MULTIAPPEND (RFC 3502 §6.3.11): several messages in one command are stored in one
 * transaction — all or none — and the OK names them all, `[APPENDUID v 5:7]`.
 * A literal8 `~{n}` (RFC 3516 §4.4) may carry binary parts: they are stored
 * base64-encoded (mime/binary-parts.ts). After ENABLE UTF8=ACCEPT a message may
 * come as `UTF8 (~{n})` (RFC 6855 §4).
 */
import type { CommandContext, CommandModule, CommandResult } from './types.js';
import { literalBuffer } from '../protocol/tokens.js';
import { args, mailboxArg } from './helpers.js';
import type { AppendArgs } from '../protocol/flags-arg.js';
import { parseAppendMessages } from '../protocol/append-args.js';
import { formatSequenceSet } from '../protocol/sequence.js';
import { encodeBinaryParts } from '../../mime/binary-parts.js';
import type { DeliveryRequest } from '../../store/deliver.js';
import { utf8Names } from '../extensions.js';
import { getFolder, isNoselect } from '../../store/folders.js';
import { parseFlags, joinKeywords } from '../../store/flags.js';
import { parseMessage } from '../../mime/parse.js';
import { prepareOffLoop } from '../../mime/parse-pool.js';
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
    const messages = parseAppendMessages(ctx.args.slice(1), { utf8: utf8Names(ctx.session) });
    const db = ctx.services.db;
    const folder = getFolder(db, mailboxId, name);
    if (!folder) throw new GpError('TRYCREATE', `Folder "${name}" does not exist`);
    if (isNoselect(folder)) throw new GpError('CANNOT', `"${name}" is not a folder that holds messages`);
    let total = 0;
    for (const m of messages) {
      const size = m.message.size;
      if (size > ctx.services.maxLiteralBytes) {
        return { status: 'NO', code: 'TOOBIG', text: `Message of ${size} bytes is over the limit of ${ctx.services.maxLiteralBytes} bytes` };
      }
      if (size === 0) return { status: 'NO', code: 'CANNOT', text: 'Empty message' };
      total += size;
    }
    // the messages are read back into memory (from the spool) only when their turn comes
    const done = await ctx.services.appendMemory.acquire(total);
    try {
      return await store(ctx, folder.id, messages);
    } finally {
      done();
    }
  },
};

/** The bytes to store: binary parts base64-encoded, then CRLF line ends. */
function messageBytes(lit: Buffer): Buffer {
  const binary = lit.includes(0) ? encodeBinaryParts(lit, parseMessage(lit)) : undefined;
  return toCrlf(binary ?? lit);
}

async function store(ctx: CommandContext, folderId: number, messages: AppendArgs[]): Promise<CommandResult> {
  const reqs: DeliveryRequest[] = [];
  const now = Date.now();
  for (const ap of messages) {
    const raw = messageBytes(literalBuffer(ap.message));
    const { parsed } = await prepareOffLoop(raw);
    const refusal = attachmentRefusal(ctx.services.config, parsed.attachmentBytes);
    if (refusal) {
      metrics.inc(METRIC.messagesRefused, { path: 'imap_append', reason: 'attachment_limit' });
      return { status: 'NO', code: 'TOOBIG', text: `Message refused: ${refusal}` };
    }
    const pf = parseFlags(ap.flags);
    reqs.push({
      raw,
      parsed,
      storedAt: now,
      targets: [{ folderId, flags: pf.mask, keywords: joinKeywords(pf.keywords), internalDate: ap.date ?? now, internalZone: ap.zone ?? 0 }],
    });
  }
  const res = reqs.length === 1 ? [await ctx.services.writer.deliver(reqs[0]!)] : await ctx.services.writer.deliverAll(reqs);
  metrics.inc(METRIC.messagesAccepted, { path: 'imap_append' }, res.length);
  const uids = res.map((r) => r.targets[0]!.uid);
  if (ctx.session.selected?.folderId === folderId) await ctx.session.reportExists(uids);
  return { status: 'OK', code: `APPENDUID ${res[0]!.targets[0]!.uidvalidity} ${formatSequenceSet(uids)}`, text: 'APPEND completed' };
}
